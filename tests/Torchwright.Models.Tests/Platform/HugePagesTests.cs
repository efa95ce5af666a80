using System;
using System.IO;
using System.Runtime.InteropServices;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Platform;

/// <summary>Configured before any tensor (<see cref="Torchwright.Tests.HostSetup"/>), libtorch asks for huge pages for large CPU tensors
/// where the kernel offers them, unless the environment says otherwise, and glibc reuses their memory (see
/// <see cref="HugePages"/>). On their own, after the parallel tests: one counts the process's page faults.</summary>
[Collection(HostMemoryCollection.Name)]
public class HugePagesTests
{
    private const long FourMegabytes = 4L << 20;

    [Fact]
    public void Large_tensors_get_huge_pages_unless_the_environment_says_otherwise()
    {
        using var block = new Linear(4, 4);

        var offered = OperatingSystem.IsLinux() && KernelOffersHugePages();
        var overridden = Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE") is not null
            || string.Equals(Environment.GetEnvironmentVariable(HugePages.Variable), "off", StringComparison.OrdinalIgnoreCase);
        Assert.True(HugePages.Active == (offered && !overridden), $"active {HugePages.Active}: {HugePages.Reason}");
        if (offered && !overridden)
        {
            Assert.Equal("1", Marshal.PtrToStringAnsi(getenv("THP_MEM_ALLOC_ENABLE")));
            Assert.Contains("set by Torchwright", HugePages.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Huge_page_tensors_start_on_a_page_boundary()
    {
        // libtorch aligns the tensors it asks huge pages for to the page, others to 64 bytes: glibc places those 64 bytes
        // into a fresh mapping, never on its first byte.
        HugePages.EnsureConfigured();
        if (!HugePages.Active)
        {
            return; // nothing asked of libtorch here: the first test checks that this is right
        }
        for (var i = 0; i < 3; i++)
        {
            using var tensor = empty(new[] { FourMegabytes }, ScalarType.Byte);
            Assert.Equal(0, (long)THSTensor_data(tensor.Handle) % 4096);
        }
    }

    [Fact]
    public void Freed_huge_page_tensors_are_reused_not_faulted_in_again()
    {
        HugePages.EnsureConfigured();
        if (!HugePages.Active || HostMemory.Mode != HostMemoryMode.System)
        {
            return; // glibc's thresholds are only set for libtorch's page-aligned tensors under glibc's own policy
        }
        const long floats = 4L << 20; // 16 MB, a large GPT's activation
        using (var first = empty(new[] { floats }))
        {
            first.fill_(1);
        }
        var before = MinorPageFaults();
        for (var i = 0; i < 3; i++)
        {
            using var again = empty(new[] { floats });
            again.fill_(1);
        }
        var faults = MinorPageFaults() - before;

        // Mapped afresh, each would fault in at least seven 2 MB pages, and 4 KB ones at its unaligned ends.
        Assert.True(faults < 21, $"{faults} page faults for three 16 MB tensors freed and made again ({HugePages.Reason})");
    }

    // Field 10 of /proc/self/stat: the process's minor page faults so far.
    private static long MinorPageFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool KernelOffersHugePages()
    {
        const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        return File.Exists(setting) && !File.ReadAllText(setting).Contains("[never]", StringComparison.Ordinal);
    }

    [DllImport("libc")]
    private static extern IntPtr getenv(string name);

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);
}
