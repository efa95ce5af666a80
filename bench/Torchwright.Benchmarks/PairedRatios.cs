using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Torchwright.Bench;

namespace Torchwright.Benchmarks;

/// <summary>
/// The small and medium cases timed once more in alternating rounds of one process (<see cref="PairedTiming"/>):
/// at these sizes a call takes milliseconds, and a change of machine load between BenchmarkDotNet's separate blocks
/// of baseline and candidate iterations moved their ratio by up to ±25 % from one full run to the next. The large
/// cases are left to BenchmarkDotNet: they are compute-bound and their ratios held still.
/// </summary>
public static class PairedRatios
{
    private const double RoundMilliseconds = 25;

    /// <summary>The median per-round ratio (baseline time / candidate time) of every small and medium case, by run keys.</summary>
    /// <param name="cases">The cases of this run.</param>
    /// <param name="quick">Fewer rounds.</param>
    public static Dictionary<(string Baseline, string Candidate), double> Measure(IEnumerable<BenchCase> cases, bool quick)
    {
        var rounds = quick ? 11 : 21;
        var result = new Dictionary<(string, string), double>();
        foreach (var c in cases.Where(c => c.Size != BenchSize.Large))
        {
            var key = (c.BaselineRun.Key, c.CandidateRun.Key);
            if (result.ContainsKey(key))
            {
                continue;
            }
            using var baseline = BenchModel.Create(c.BaselineRun);
            using var candidate = BenchModel.Create(c.CandidateRun);
            var calls = CallsPerRound(baseline);
            result[key] = PairedTiming.MedianRatio(baseline.Step, candidate.Step, rounds, calls);
            Console.WriteLine($"paired {c.Name}, {c.Size.Name} {c.Mode.Json()}: {result[key]:F2}x ({rounds} rounds of {calls} calls)");
        }
        return result;
    }

    // Enough calls that one timing is well above the clock's and the scheduler's granularity.
    private static int CallsPerRound(BenchModel model)
    {
        model.Step();
        var start = Stopwatch.GetTimestamp();
        model.Step();
        var milliseconds = Math.Max(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 0.01);
        return (int)Math.Clamp(Math.Ceiling(RoundMilliseconds / milliseconds), 1, 1000);
    }
}
