using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

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
        return Median(ratios);
    }

    /// <summary>The median per-call time in milliseconds of each of <paramref name="sides"/> over <paramref name="rounds"/>
    /// rounds in which each runs <paramref name="calls"/> calls, the order rotating by one every round; all sides run
    /// once untimed first.</summary>
    public static double[] MedianTimes(IReadOnlyList<Action> sides, int rounds, int calls)
    {
        ArgumentNullException.ThrowIfNull(sides);
        foreach (var side in sides)
        {
            side();
        }
        var times = sides.Select(_ => new double[rounds]).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var turn = 0; turn < sides.Count; turn++)
            {
                var index = (turn + round) % sides.Count;
                times[index][round] = Time(sides[index], calls) / calls;
            }
        }
        return times.Select(Median).ToArray();
    }

    private static double Median(double[] values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
