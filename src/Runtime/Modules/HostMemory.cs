using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace Torchwright.Runtime;

/// <summary>How freed CPU tensor memory is handled by the C allocator.</summary>
public enum HostMemoryMode
{
    /// <summary>The allocator's own policy (on glibc: blocks of 32 MB and more go back to the system when freed).</summary>
    System,

    /// <summary>Freed blocks stay in the process and are reused by the next allocation of that size.</summary>
    Retain,
}

/// <summary>
/// Optionally keeps freed CPU tensor memory in the process on Linux with glibc. By default glibc serves blocks above
/// its mmap threshold (at most 32 MB) with fresh pages and unmaps them on free, so a model that makes a large tensor
/// every step — <c>[B,H,T,T]</c> attention scores at T ≈ 1000 are 33 MB — pays page faults on every allocation: on a
/// 2-core machine MrT5's encoder after the gate at 1025 tokens ran 5× slower than with retained blocks (before huge
/// pages). With <c>TORCHWRIGHT_HOST_MEMORY=retain</c> (or a call to <see cref="Retain"/>) glibc serves every block
/// from its heap and never trims it. Memory then stays at its peak and grows with fragmentation (a 10,000-step soak grew 2.9 %
/// after warm-up against 1.6 % with glibc's policy, before huge pages), which is why it is not the default; by default
/// <see cref="HugePages"/> makes those faults fewer instead.
/// </summary>
/// <remarks>
/// glibc fixes its arena count the first time a second thread allocates, so a thread that already had its own
/// arena, or one started later, may keep glibc's policy; the main thread always follows. A program whose tensor
/// work runs on other threads (BenchmarkDotNet's in-process runner, for one) is started with
/// <c>GLIBC_TUNABLES=</c><see cref="Tunables"/> instead; the benchmark programs relaunch themselves so.
/// </remarks>
public static class HostMemory
{
    /// <summary>The environment variable that chooses the mode: <c>retain</c>, or <c>system</c> (the default).</summary>
    public const string Variable = "TORCHWRIGHT_HOST_MEMORY";

    /// <summary>The same policy as a <c>GLIBC_TUNABLES</c> value, for a process to be started with it.</summary>
    public const string Tunables = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1099511627776";

    // glibc's mallopt parameters.
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;
    private const int MmapMax = -4;
    private const int ArenaMax = -8;

    // Where glibc's own adaptation stops: blocks below 32 MB from the heap, at most twice that kept free at its top.
    private const int AdaptedMmapThreshold = 32 << 20;
    private const int AdaptedTrimThreshold = 2 * AdaptedMmapThreshold;

    private const string TunablesVariable = "GLIBC_TUNABLES";

    private static readonly object Gate = new();
    private static bool configured;
    private static bool tunedAtStart;

    /// <summary>The mode in effect for this process.</summary>
    public static HostMemoryMode Mode { get; private set; }

    /// <summary>Why the mode is what it is, for logs: what was asked and what the platform allowed.</summary>
    public static string Reason { get; private set; } = "not configured yet";

    /// <summary>Applies the mode chosen by <see cref="Variable"/> once; later calls do nothing. Every block calls it when
    /// it is created. When the variable is unset: glibc's policy, or, for a process started with glibc malloc settings
    /// in <c>GLIBC_TUNABLES</c> (such as <see cref="Tunables"/>), those settings, untouched (<see cref="HostMemoryMode.Retain"/>
    /// when they are <see cref="Tunables"/>').</summary>
    /// <exception cref="InvalidOperationException">The variable holds something other than <c>retain</c> or <c>system</c>.</exception>
    public static void EnsureConfigured()
    {
        if (Volatile.Read(ref configured))
        {
            return;
        }
        var requested = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(requested) && !IsRequest(requested, "retain") && !IsRequest(requested, "system"))
        {
            throw new InvalidOperationException($"{Variable} is '{requested}'; expected 'retain' or 'system'.");
        }
        if (string.IsNullOrEmpty(requested) && MallocTunedAtStart() is { } tunedMode)
        {
            Settle(tunedMode, $"{Variable} unset, {TunablesVariable} set glibc's malloc at start: left as it is");
            return;
        }
        var source = string.IsNullOrEmpty(requested) ? $"{Variable} unset" : $"{Variable}={requested}";
        Apply(IsRequest(requested, "retain") ? HostMemoryMode.Retain : HostMemoryMode.System, source);
    }

    // The mode a process started with glibc malloc tunables runs under (Retain when they hold every setting of
    // Tunables), or null when it was started without any; thresholds set later by mallopt would override them.
    private static HostMemoryMode? MallocTunedAtStart()
    {
        var tunables = Environment.GetEnvironmentVariable(TunablesVariable);
        if (!OperatingSystem.IsLinux() || tunables is null || !tunables.Contains("glibc.malloc.", StringComparison.Ordinal))
        {
            return null;
        }
        var settings = tunables.Split(':');
        return Tunables.Split(':').All(settings.Contains) ? HostMemoryMode.Retain : HostMemoryMode.System;
    }

    private static void Settle(HostMemoryMode mode, string reason)
    {
        lock (Gate)
        {
            if (configured)
            {
                return;
            }
            (Mode, Reason, tunedAtStart) = (mode, reason, true);
            Volatile.Write(ref configured, true);
        }
    }

    /// <summary>Keeps freed blocks from now on, whatever <see cref="Variable"/> says — surely for the main thread, for
    /// others as the remarks explain. Returns the mode in effect; <see cref="Reason"/> says why.</summary>
    public static HostMemoryMode Retain()
    {
        Apply(HostMemoryMode.Retain, $"{nameof(HostMemory)}.{nameof(Retain)}()", explicitRequest: true);
        return Mode;
    }

    private static void Apply(HostMemoryMode requested, string source, bool explicitRequest = false)
    {
        lock (Gate)
        {
            if (configured && !(explicitRequest && Mode == HostMemoryMode.System))
            {
                return;
            }
            (Mode, Reason) = requested == HostMemoryMode.System
                ? (HostMemoryMode.System, $"{source}: the C library's own policy")
                : RetainFreedBlocks(source);
            tunedAtStart = false;
            Volatile.Write(ref configured, true);
        }
    }

    private static bool IsRequest(string? requested, string mode) => string.Equals(requested, mode, StringComparison.OrdinalIgnoreCase);

    private static (HostMemoryMode, string) RetainFreedBlocks(string source)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (HostMemoryMode.System, $"{source}, but not Linux: the platform allocator is left alone");
        }
        try
        {
            // Heap blocks instead of per-allocation mmap, no returning of the heap's top to the system, and (if glibc has
            // not settled its arena count yet) one arena: the others are 64 MB heaps it maps and unmaps whole.
            var applied = Glibc.mallopt(MmapMax, 0) == 1 && Glibc.mallopt(TrimThreshold, int.MaxValue) == 1
                && Glibc.mallopt(ArenaMax, 1) == 1;
            return applied
                ? (HostMemoryMode.Retain, $"{source}: glibc keeps freed blocks for reuse")
                : (HostMemoryMode.System, $"{source}, but glibc refused the mallopt settings");
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return (HostMemoryMode.System, $"{source}, but there is no glibc mallopt (another C library)");
        }
    }

    /// <summary>
    /// Under glibc's policy, sets its thresholds where its own adaptation would end (blocks below 32 MB from the heap, up
    /// to 64 MB kept free at its top) for a process whose large tensors libtorch allocates page-aligned
    /// (<see cref="HugePages"/>). glibc raises its mmap threshold to the size of each mapped block freed, but a
    /// page-aligned request asks for a page more than the block it is given, so it never catches up: every such tensor
    /// is mapped and unmapped afresh, and the large GPT's fp32 forward faulted in about forty 16 MB activations a call.
    /// Returns what was done, for <see cref="HugePages.Reason"/>; does nothing under <see cref="HostMemoryMode.Retain"/>.
    /// </summary>
    internal static string AdaptToPageAlignedBlocks()
    {
        EnsureConfigured();
        if (tunedAtStart)
        {
            return $"glibc's thresholds left as {TunablesVariable} set them";
        }
        if (Mode != HostMemoryMode.System || !OperatingSystem.IsLinux())
        {
            return "glibc's thresholds left alone";
        }
        try
        {
            return Glibc.mallopt(MmapThreshold, AdaptedMmapThreshold) == 1 && Glibc.mallopt(TrimThreshold, AdaptedTrimThreshold) == 1
                ? "glibc's thresholds set where its adaptation ends (heap below 32 MB, 64 MB kept at its top)"
                : "glibc refused its threshold settings";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return "no glibc mallopt (another C library)";
        }
    }

    private static class Glibc
    {
        [DllImport("libc", EntryPoint = "mallopt")]
        public static extern int mallopt(int parameter, int value);
    }
}
