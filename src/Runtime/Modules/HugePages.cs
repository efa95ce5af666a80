using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Torchwright.Runtime.Capture;
using static TorchSharp.torch;

namespace Torchwright.Runtime;

/// <summary>
/// Asks libtorch to back CPU tensors of 2 MB and more with transparent huge pages on Linux (its
/// <c>THP_MEM_ALLOC_ENABLE</c> switch, off by default), and glibc to keep such tensors on its heap
/// (<see cref="HostMemory"/>). Under glibc's policy large shapes make many fresh tensors per call — every activation,
/// and oneDNN's bf16 products an fp32 scratch pad the size of their output besides — which the kernel faults in 4 KB at
/// a time. On this project's two-core machines the large GPT's eager forward (B=16, T=512, D=512) under glibc's policy
/// took 1.05–1.63 s in bf16 and 1.23–1.66 s in fp32 before, 0.51–0.58 s and 0.88–0.89 s with both settings, and
/// 0.47–0.50 s and 0.82–0.84 s with freed memory retained.
/// </summary>
/// <remarks>
/// libtorch reads the switch once, at its first CPU allocation, so it is set when the first Torchwright block is made
/// (before the block's parameters exist). A program that makes tensors before its model calls
/// <see cref="EnsureConfigured"/> first, or libtorch keeps its default; <see cref="Active"/> and <see cref="Reason"/>
/// say what happened. <c>TORCHWRIGHT_HUGE_PAGES=off</c> leaves libtorch
/// and glibc alone, and a <c>THP_MEM_ALLOC_ENABLE</c> already in the environment is the user's choice and stays.
/// </remarks>
public static class HugePages
{
    /// <summary>The environment variable that turns the request off: <c>off</c>, or <c>on</c> (the default).</summary>
    public const string Variable = "TORCHWRIGHT_HUGE_PAGES";

    private const string LibTorchSwitch = "THP_MEM_ALLOC_ENABLE";
    private const string KernelSetting = "/sys/kernel/mm/transparent_hugepage/enabled";
    private const string MemoryMappings = "/proc/self/smaps";
    private const long HugePageBytes = 2L << 20; // libtorch's threshold for huge-page tensors

    private static readonly object Gate = new();
    private static bool configured;

    /// <summary>Whether libtorch asks for huge pages for large CPU tensors in this process: seen on the memory mapping of
    /// a 2 MB tensor made to check, not assumed.</summary>
    public static bool Active { get; private set; }

    /// <summary>Why <see cref="Active"/> is what it is, for logs.</summary>
    public static string Reason { get; private set; } = "not configured yet";

    /// <summary>Makes the request once (see the remarks) and checks what libtorch does; later calls do nothing. Every
    /// block calls it when it is created.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Variable"/> holds something other than <c>on</c> or
    /// <c>off</c>.</exception>
    public static void EnsureConfigured()
    {
        if (Volatile.Read(ref configured))
        {
            return;
        }
        lock (Gate)
        {
            if (configured)
            {
                return;
            }
            var requested = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrEmpty(requested) && !Is(requested, "on") && !Is(requested, "off"))
            {
                throw new InvalidOperationException($"{Variable} is '{requested}'; expected 'on' or 'off'.");
            }
            var (asked, setHere) = Request(Is(requested, "off"));
            Active = OperatingSystem.IsLinux() && LargeTensorsAdvisedHugePages();
            Reason = Active ? $"{asked}: libtorch asks for huge pages for tensors of 2 MB and more"
                : setHere ? $"{asked}, but libtorch had made a CPU tensor before and keeps its default: set {LibTorchSwitch}=1 in the environment or make the model first"
                : $"{asked}: libtorch does not ask for huge pages";
            Volatile.Write(ref configured, true);
        }
    }

    // Sets libtorch's switch in the C environment (where libtorch reads it, unlike .NET's copy) unless something says
    // not to; returns what was done, for the reason, and whether the switch was set here.
    private static (string Asked, bool SetHere) Request(bool turnedOff)
    {
        if (!OperatingSystem.IsLinux())
        {
            return ("not Linux", false);
        }
        if (turnedOff)
        {
            return ($"{Variable}=off", false);
        }
        var existing = Environment.GetEnvironmentVariable(LibTorchSwitch);
        if (existing is not null)
        {
            return ($"{LibTorchSwitch}={existing} from the environment", false);
        }
        if (!KernelOffersHugePages())
        {
            return ($"the kernel offers no transparent huge pages ({KernelSetting})", false);
        }
        try
        {
            return Posix.setenv(LibTorchSwitch, "1", 0) == 0
                ? ($"{LibTorchSwitch}=1 set by Torchwright; {HostMemory.AdaptToPageAlignedBlocks()}", true)
                : ($"setting {LibTorchSwitch} failed", false);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return ("no C library setenv", false);
        }
    }

    private static bool KernelOffersHugePages()
    {
        try
        {
            return !File.ReadAllText(KernelSetting).Contains("[never]", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // libtorch advises the kernel to back a tensor of 2 MB or more with huge pages (madvise), which the kernel shows as
    // the "hg" flag of the mapping that holds the tensor's data.
    private static bool LargeTensorsAdvisedHugePages()
    {
        using var probe = empty(new[] { HugePageBytes }, ScalarType.Byte);
        var address = (ulong)NativeInPlace.DataAddress(probe);
        try
        {
            var inMapping = false;
            foreach (var line in File.ReadLines(MemoryMappings))
            {
                if (MappingRange(line) is var (start, end))
                {
                    inMapping = address >= start && address < end;
                }
                else if (inMapping && line.StartsWith("VmFlags:", StringComparison.Ordinal))
                {
                    return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("hg");
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The mappings cannot be read here: nothing is claimed.
        }
        return false;
    }

    // The address range a mapping's first line starts with ("7f12a000-7f12c000 rw-p …"), or null for its detail lines.
    private static (ulong Start, ulong End)? MappingRange(string line)
    {
        var space = line.IndexOf(' ');
        var dash = line.IndexOf('-');
        if (space <= 0 || dash <= 0 || dash > space || line[space - 1] == ':')
        {
            return null;
        }
        return ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
            ? (start, end)
            : null;
    }

    private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    private static class Posix
    {
        [DllImport("libc", EntryPoint = "setenv")]
        public static extern int setenv(string name, string value, int overwrite);
    }
}
