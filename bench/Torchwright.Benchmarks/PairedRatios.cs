using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Torchwright.Bench;

namespace Torchwright.Benchmarks;

/// <summary>
/// The small and medium cases, and in full runs the large forward cases, timed once more in alternating rounds of one
/// process (<see cref="PairedTiming"/>). At small and medium size a call takes milliseconds, and a change of machine
/// load between BenchmarkDotNet's separate blocks of baseline and candidate iterations moved their ratio by up to
/// ±25 % from one full run to the next. At large size the shared machine has slow periods of minutes: one full run
/// timed the generated large forward at 1,577 ms inside one (1,061 ms in the run before, the hand-written model's
/// 1,687 and 1,748 ms), and alternating rounds spread such a period over both contenders. The large training steps
/// (3–5 s a call) are left to BenchmarkDotNet.
/// </summary>
public static class PairedRatios
{
    private const double RoundMilliseconds = 25;

    private const int LargeRounds = 7;

    /// <summary>The median per-round ratio (baseline time / candidate time) of every case timed so, by run keys.</summary>
    /// <param name="cases">The cases of this run.</param>
    /// <param name="quick">Fewer rounds.</param>
    public static Dictionary<(string Baseline, string Candidate), double> Measure(IEnumerable<BenchCase> cases, bool quick)
    {
        var result = new Dictionary<(string, string), double>();
        foreach (var c in cases.Where(c => c.Size != BenchSize.Large || (!quick && c.Mode == BenchMode.Forward)))
        {
            var rounds = c.Size == BenchSize.Large ? LargeRounds : quick ? 11 : 21;
            var key = (c.BaselineRun.Key, c.CandidateRun.Key);
            if (result.ContainsKey(key))
            {
                continue;
            }
            using var baseline = BenchModel.Create(c.BaselineRun);
            using var candidate = BenchModel.Create(c.CandidateRun);
            baseline.Settle(ModelBenchmarks.SettleSteps, ModelBenchmarks.SettleBudget);
            candidate.Settle(ModelBenchmarks.SettleSteps, ModelBenchmarks.SettleBudget);
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
