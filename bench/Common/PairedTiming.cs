using System;
using System.Diagnostics;

namespace Torchwright.Bench;

/// <summary>
/// A baseline and a candidate timed in alternating rounds of the same process, so that a change of machine load
/// between BenchmarkDotNet's separate measurement blocks cannot decide the ratio: the median of per-round ratios.
/// </summary>
public static class PairedTiming
{
    /// <summary>The median over <paramref name="rounds"/> of (baseline time / candidate time), each timed over
    /// <paramref name="calls"/> calls; above 1 when the candidate is faster.</summary>
    public static double MedianRatio(Action baseline, Action candidate, int rounds, int calls)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        baseline();
        candidate();
        var ratios = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which goes first, so neither always runs on a warmer cache.
            var baselineFirst = round % 2 == 0;
            var first = Time(baselineFirst ? baseline : candidate, calls);
            var second = Time(baselineFirst ? candidate : baseline, calls);
            ratios[round] = baselineFirst ? first / second : second / first;
        }
        Array.Sort(ratios);
        return rounds % 2 == 1 ? ratios[rounds / 2] : (ratios[rounds / 2 - 1] + ratios[rounds / 2]) / 2;
    }

    private static double Time(Action work, int calls)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            work();
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
