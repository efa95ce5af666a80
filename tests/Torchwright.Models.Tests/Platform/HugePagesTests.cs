using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Platform;

/// <summary>Configured before any tensor (<see cref="Torchwright.Tests.HostSetup"/>), libtorch asks for huge pages for large CPU tensors
/// where the kernel offers them, unless the environment says otherwise, and glibc serves them from its heap (see
/// <see cref="HugePages"/>).</summary>
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

    [SkippableFact]
    public void Huge_page_tensors_start_on_a_page_boundary()
    {
        // libtorch aligns the tensors it asks huge pages for to the page, others to 64 bytes: glibc places those 64 bytes
        // into a fresh mapping, never on its first byte.
        HugePages.EnsureConfigured();
        // Nothing asked of libtorch where it is inactive: the first test checks that this is right.
        Skip.IfNot(HugePages.Active, $"huge pages are not active here: {HugePages.Reason}");
        for (var i = 0; i < 3; i++)
        {
            using var tensor = empty(new[] { FourMegabytes }, ScalarType.Byte);
            Assert.Equal(0, (long)THSTensor_data(tensor.Handle) % 4096);
        }
    }

    [SkippableFact]
    public void Huge_page_tensors_come_from_the_heap_not_fresh_mappings()
    {
        // In a fresh process that configures as a program does: in the test runner, what earlier tests left behind and
        // which thread runs this one decide where a block lands.
        var report = RunProbe();
        // glibc's thresholds are only set for libtorch's page-aligned tensors under glibc's own policy.
        Skip.If(report["active"] != "True" || report["mode"] != nameof(HostMemoryMode.System),
            $"the probe runs with huge pages {(report["active"] == "True" ? "active" : "inactive")} under {report["mode"]} memory: {report["reason"]}");

        // Left to glibc's adaptation, a page-aligned 16 MB tensor is a mapping of its own, made and unmapped every time
        // (the probe then counts about 1,570 page faults for three of them; with the heap, 12 or, when a freed block
        // has no room to spare beside it, as many).
        Assert.True(report["mapping"] == "[heap]",
            $"a 16 MB tensor lies in mapping '{report["mapping"]}', not glibc's heap; {report["faults"]} page faults for three ({report["reason"]})");
    }

    [SkippableFact]
    public void Malloc_settings_given_at_start_are_left_as_they_are()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal),
            "glibc tunables exist only on Linux with glibc");
        // As the benchmarks start themselves, and as HostMemory advises for programs whose tensor work runs on other
        // threads; turning huge pages on used to set glibc's trim threshold to 64 MB over them.
        var report = RunProbe(("GLIBC_TUNABLES", HostMemory.Tunables), (HostMemory.Variable, null));

        Assert.True(report["mode"] == nameof(HostMemoryMode.Retain), $"mode {report["mode"]}: {report["reason"]}");
        // Kept, a freed 128 MB block stays in glibc's heap; given back, the heap shrinks below it (or the block was a
        // mapping of its own) and faults in again, about 560 page faults with huge pages.
        var held = long.Parse(report["held"], System.Globalization.CultureInfo.InvariantCulture);
        Skip.If(held < 0, "this C library has no mallinfo2 to ask what its heap holds");
        Assert.True(held >= 128L << 20,
            $"glibc's heap holds {held >> 20} MB after freeing a 128 MB tensor: it gave the block back ({report["refaults"]} page faults remaking it; {report["reason"]})");
    }

    // Runs Torchwright.HostProbe (with the given environment variables set, or removed where null) and reads its
    // "key value" lines.
    private static Dictionary<string, string> RunProbe(params (string Name, string? Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Torchwright.HostProbe.dll"));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host probe");
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the host probe exited with {process.ExitCode}: {errors}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");
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
