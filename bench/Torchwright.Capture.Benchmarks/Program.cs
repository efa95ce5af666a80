using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

using Torchwright.Bench;

namespace Torchwright.Capture.Benchmarks;

/// <summary>
/// Issue 10's benchmark: a replay of ByteGpt's capture plan against the eager generated forward, at the overhead-bound
/// size B=1, T=32, D=128, 2 layers (target: replay at least 1.2x faster) and at the block benchmark's medium size
/// (target: not slower), with managed bytes and tensors created per call; and, paired only, the plans for
/// data-dependent shapes (HAT's decoder step, MrT5's hard-deleting encoder) against their eager paths. Writes
/// <c>artifacts/bench/capture.json</c> and prints a one-line summary.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (!BenchRun.TryStart(args, out var run, out var childExitCode))
        {
            return childExitCode;
        }
        var options = run.Options;
        var facts = BenchSize.All.ToDictionary(s => s.Name, s =>
        {
            using var eager = new CaptureWorkload(s, RunMode.Eager);
            using var replay = new CaptureWorkload(s, RunMode.Replay);
            var calls = s == BenchSize.Small ? 20 : 1;
            return (Eager: eager.TensorsPerCall(20), Replay: replay.TensorsPerCall(20), Difference: replay.LargestDifference(),
                Buffers: replay.PlanBuffers, Steps: replay.PlanSteps, Paired: PairedTiming.MedianRatio(eager.Run, replay.Run, options.Quick ? 15 : 41, calls));
        });
        foreach (var (name, f) in facts)
        {
            Console.WriteLine($"{name}: tensors per call eager {f.Eager:F1}, replay {f.Replay:F1}; largest |replay - eager| {f.Difference:G3}; {f.Buffers} buffers, {f.Steps} steps; paired median speed-up {f.Paired:F2}x");
        }

        var dataDependent = DataDependentCases.Measure(options.Quick);
        foreach (var d in dataDependent)
        {
            Console.WriteLine($"{d.Name}: paired median speed-up {d.PairedRatio:F2}x; tensors per call eager {d.EagerTensorsPerCall:F1}, plans {d.PlanTensorsPerCall:F1}");
        }

        CaptureBenchmarks.Selected = RunKeys();
        var summary = BenchmarkRunner.Run<CaptureBenchmarks>(
            BenchConfig.Create(options, quickWarmups: 2, quickIterations: 7, quickIterationMilliseconds: 250)
                .AddDiagnoser(MemoryDiagnoser.Default)); // managed bytes allocated per call
        var reports = BenchRun.Reports(summary, nameof(CaptureBenchmarks.RunKey));

        var results = BenchSize.All.Select(s =>
        {
            string baselineKey = Key(s, RunMode.Eager), candidateKey = Key(s, RunMode.Replay);
            reports.TryGetValue(baselineKey, out var b);
            reports.TryGetValue(candidateKey, out var c);
            double? baseline = b?.ResultStatistics!.Median / 1e6, candidate = c?.ResultStatistics!.Median / 1e6;
            var ratio = baseline / candidate;
            bool? met = ratio is { } r ? r >= s.TargetRatio : null;
            var f = facts[s.Name];
            return new CaseResult(s.Name, s.Batch, s.Length, s.Dim, s.Layers, s.Heads, baselineKey, candidateKey, baseline, candidate, ratio,
                s.TargetRatio, met, b?.GcStats.GetBytesAllocatedPerOperation(b.BenchmarkCase), c?.GcStats.GetBytesAllocatedPerOperation(c.BenchmarkCase),
                f.Eager, f.Replay, f.Buffers, f.Steps, f.Difference, f.Paired, f.Paired >= s.TargetRatio);
        }).ToList();

        Console.WriteLine();
        Console.Write(Table(results));
        run.Write("capture", new
        {
            Baseline = "eager generated forward (ByteGpt.forward under no_grad, result disposed)",
            Candidate = "ByteGpt.Capture(ids).Replay(ids): fixed buffers, in-place steps",
            Cases = results,
            DataDependent = dataDependent,
        }, SummaryLine(results, options.Quick) + "; " + string.Join("; ", dataDependent.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Name.Split(" (")[0]} paired {d.PairedRatio:F2}x"))));
        return BenchRun.ExitCode(RunKeys(), reports.ContainsKey, results.Any(r => r.TargetMet == false));
    }

    /// <summary>Every run, eager before replay at each size.</summary>
    public static IReadOnlyList<string> RunKeys()
        => BenchSize.All.SelectMany(s => new[] { Key(s, RunMode.Eager), Key(s, RunMode.Replay) }).ToList();

    /// <summary>Builds the workload a run key names.</summary>
    public static CaptureWorkload CreateWorkload(string key)
    {
        var parts = key.Split('|');
        return new CaptureWorkload(BenchSize.Get(parts[0]), Enum.Parse<RunMode>(parts[1], ignoreCase: true));
    }

    private static string Key(BenchSize size, RunMode mode) => $"{size.Name}|{mode.ToString().ToLowerInvariant()}";

    private static string Table(IReadOnlyList<CaseResult> rows)
    {
        var text = new StringBuilder();
        const string format = "{0,-8} {1,-22} {2,10} {3,10} {4,8} {5,8} {6,-14} {7,14} {8,14} {9,9} {10,9}";
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, "size", "B,T,D,layers", "eager ms", "replay ms", "speedup", "paired", "target",
            "eager B/call", "replay B/call", "eager t/c", "replay t/c"));
        foreach (var r in rows)
        {
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, r.Size, $"{r.Batch},{r.Length},{r.Dim},{r.Layers}",
                F(r.BaselineMedianMs, "F3"), F(r.CandidateMedianMs, "F3"), F(r.Ratio, "F2") + "x", r.PairedRatio.ToString("F2", CultureInfo.InvariantCulture) + "x",
                $"≥{r.TargetRatio:F1} {(r.TargetMet == true ? "met" : r.TargetMet == false ? "MISSED" : "-")}",
                r.BaselineBytesPerCall?.ToString(CultureInfo.InvariantCulture) ?? "-", r.CandidateBytesPerCall?.ToString(CultureInfo.InvariantCulture) ?? "-",
                r.BaselineTensorsPerCall.ToString("F1", CultureInfo.InvariantCulture), r.CandidateTensorsPerCall.ToString("F1", CultureInfo.InvariantCulture)));
        }
        return text.ToString();
    }

    private static string SummaryLine(IReadOnlyList<CaseResult> rows, bool quick)
    {
        var parts = rows.Select(r => $"{r.Size} replay {F(r.Ratio, "F2")}x eager, paired {r.PairedRatio:F2}x (target ≥{r.TargetRatio:F1}, {(r.TargetMet == true ? "met" : "MISSED")}/{(r.PairedTargetMet ? "met" : "MISSED")}), " +
            $"{r.CandidateTensorsPerCall:F0} vs {r.BaselineTensorsPerCall:F0} tensors and {r.CandidateBytesPerCall?.ToString(CultureInfo.InvariantCulture) ?? "-"} vs {r.BaselineBytesPerCall?.ToString(CultureInfo.InvariantCulture) ?? "-"} B per call");
        return $"capture{(quick ? " (quick)" : "")}: {string.Join("; ", parts)}; targets met {rows.Count(r => r.TargetMet == true)}/{rows.Count}";
    }

    private static string F(double? value, string format) => BenchRun.Format(value, format);
}
