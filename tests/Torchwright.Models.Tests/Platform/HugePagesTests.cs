using System;
using System.IO;
using System.Runtime.InteropServices;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Platform;

/// <summary>Configured before any tensor (<see cref="Torchwright.Tests.HostSetup"/>), libtorch asks for huge pages for large CPU tensors
/// where the kernel offers them, unless the environment says otherwise (see <see cref="HugePages"/>).</summary>
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
