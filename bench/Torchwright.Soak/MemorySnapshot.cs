using System;
using System.IO;
using System.Linq;
using TorchSharp;

namespace Torchwright.Soak;

/// <summary>Resident memory and live tensor counts at one moment, after a full managed collection.</summary>
/// <param name="Step">Completed training steps.</param>
/// <param name="ResidentKb">VmRSS of this process.</param>
/// <param name="Tensors">Tensor handles alive in the process (TorchSharp's count).</param>
/// <param name="ScopedLive">Tensors alive in dispose scopes on this thread.</param>
internal sealed record MemorySnapshot(int Step, long ResidentKb, long Tensors, long ScopedLive)
{
    // Managed garbage is collected first so that only native growth (tensors, allocator caches) shows.
    public static MemorySnapshot Take(int step)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        long rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return new MemorySnapshot(step, rss, torch.Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
