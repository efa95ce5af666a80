using System;
using System.Diagnostics;
using System.Linq;

namespace Torchwright.Capture.Benchmarks;

/// <summary>
/// Eager and replay timed in alternating rounds of the same process, so that a change of machine load between
/// BenchmarkDotNet's separate measurement blocks cannot decide the ratio: the median of per-round ratios.
/// </summary>
public static class PairedTiming
{
    /// <summary>The median over <paramref name="rounds"/> of (eager time / replay time) for <paramref name="calls"/> calls each.</summary>
    public static double MedianRatio(CaptureWorkload eager, CaptureWorkload replay, int rounds, int calls)
    {
        eager.Run();
        replay.Run();
        var ratios = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which goes first, so neither always runs on a warmer cache.
            var (first, second) = round % 2 == 0 ? (eager, replay) : (replay, eager);
            var firstTime = Time(first, calls);
            var secondTime = Time(second, calls);
            ratios[round] = ReferenceEquals(first, eager) ? firstTime / secondTime : secondTime / firstTime;
        }
        Array.Sort(ratios);
        return rounds % 2 == 1 ? ratios[rounds / 2] : (ratios[rounds / 2 - 1] + ratios[rounds / 2]) / 2;
    }

    private static double Time(CaptureWorkload workload, int calls)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            workload.Run();
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
