using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Running;

using Torchwright.Bench;

namespace Torchwright.MrT5.Benchmarks;

/// <summary>
/// Issue 5's benchmark: the encoder after MrT5's gate with hard deletion at deletion rates 0, 0.5 and 0.8 on 1024-byte
/// inputs (target: time at rate d at most 1.15·(1 − d) of the time at rate 0), and the end-to-end encode + decode
/// speed-up. Writes <c>artifacts/bench/mrt5.json</c> and prints a one-line summary.
/// </summary>
public static class Program
{
    public static readonly IReadOnlyList<BenchCase> Cases = new[]
    {
        new BenchCase("encoder after the gate, hard deletion", WorkloadKind.PostGate, 0.5, HasTarget: true),
        new BenchCase("encoder after the gate, hard deletion", WorkloadKind.PostGate, 0.8, HasTarget: true),
        new BenchCase("hard deletion vs soft masking at d=0", WorkloadKind.PostGate, 0.5, HasTarget: false, WorkloadKind.PostGateSoft),
        new BenchCase("hard deletion vs soft masking at d=0", WorkloadKind.PostGate, 0.8, HasTarget: false, WorkloadKind.PostGateSoft),
        new BenchCase("soft masking only (nothing removed)", WorkloadKind.PostGateSoft, 0.8, HasTarget: false),
        new BenchCase("encode + decode (gate decides)", WorkloadKind.EncodeDecode, 0.5, HasTarget: false),
        new BenchCase("encode + decode (gate decides)", WorkloadKind.EncodeDecode, 0.8, HasTarget: false),
    };

    public static int Main(string[] args)
    {
        if (!BenchRun.TryStart(args, out var run, out var childExitCode))
        {
            return childExitCode;
        }
        Console.WriteLine($"model {DeletionWorkload.Config}; batch {DeletionWorkload.Batch} × {DeletionWorkload.InputBytes} bytes; decoder pass over {DeletionWorkload.DecoderLength} bytes");

        var keys = RunKeys(Cases);
        var facts = keys.ToDictionary(k => k, k =>
        {
            using var workload = DeletionWorkload.Create(k);
            return (workload.MeasuredRate, workload.EncoderLength);
        });
        MrT5Benchmarks.Selected = keys;
        var medians = BenchRun.MediansMs(BenchmarkRunner.Run<MrT5Benchmarks>(BenchConfig.Create(run.Options)), nameof(MrT5Benchmarks.RunKey));

        var length = DeletionWorkload.InputBytes + 1L; // bytes and eos
        var results = Cases.Select(c =>
        {
            double? baseline = medians.TryGetValue(c.BaselineKey, out var b) ? b : null;
            double? candidate = medians.TryGetValue(c.CandidateKey, out var k) ? k : null;
            double? fraction = candidate / baseline;
            bool? met = c.TargetTimeFraction is { } target && fraction is { } f ? f <= target : null;
            var (rate, after) = facts[c.CandidateKey];
            return new CaseResult(c.Name, DeletionWorkload.Name(c.Kind), c.Rate, rate, length, c.Kind == WorkloadKind.PostGateSoft ? length : after,
                c.BaselineKey, c.CandidateKey, baseline, candidate, baseline / candidate, fraction, c.TargetRatio, c.TargetTimeFraction, met);
        }).ToList();

        Console.WriteLine();
        Console.Write(Table(results));
        run.Write("mrt5", new
        {
            Model = DeletionWorkload.Config.ToString(),
            Batch = DeletionWorkload.Batch,
            InputBytes = DeletionWorkload.InputBytes,
            DecoderLength = DeletionWorkload.DecoderLength,
            Cases = results,
        }, SummaryLine(results, run.Options.Quick));
        return BenchRun.ExitCode(keys, medians.ContainsKey, results.Any(r => r.TargetMet == false));
    }

    /// <summary>The distinct runs the cases need, baselines first.</summary>
    public static IReadOnlyList<string> RunKeys(IEnumerable<BenchCase> cases)
        => cases.SelectMany(c => new[] { c.BaselineKey, c.CandidateKey }).Distinct().ToList();

    private static string Table(IReadOnlyList<CaseResult> rows)
    {
        var text = new StringBuilder();
        const string format = "{0,-38} {1,5} {2,9} {3,10} {4,10} {5,10} {6,9} {7,8} {8,-14}";
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, "case", "d", "measured", "length", "base ms", "cand ms", "time", "speedup", "target"));
        foreach (var r in rows)
        {
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, r.Name, r.DeletionRate, r.MeasuredDeletionRate.ToString("F3", CultureInfo.InvariantCulture),
                $"{r.EncoderLengthBefore}→{r.EncoderLengthAfter}", F(r.BaselineMedianMs, "F2"), F(r.CandidateMedianMs, "F2"), F(r.TimeFraction, "F3"),
                F(r.Ratio, "F2") + "x", r.TargetMet is null ? "" : $"≤{r.TargetTimeFraction:F3} {(r.TargetMet == true ? "met" : "MISSED")}"));
        }
        return text.ToString();
    }

    private static string SummaryLine(IReadOnlyList<CaseResult> rows, bool quick)
    {
        var parts = rows.Select(r => r.TargetMet is not null
            ? $"post-gate d={r.DeletionRate:0.#} time {F(r.TimeFraction, "F2")} of d=0 (target ≤{r.TargetTimeFraction:F2}, {(r.TargetMet == true ? "met" : "MISSED")})"
            : r.Mode == "encode_decode" ? $"encode+decode d={r.DeletionRate:0.#} {F(r.Ratio, "F2")}x"
            : r.Mode == "post_gate_soft" ? $"soft masking d={r.DeletionRate:0.#} {F(r.Ratio, "F2")}x"
            : $"hard d={r.DeletionRate:0.#} vs soft d=0 {F(r.Ratio, "F2")}x");
        var targets = rows.Where(r => r.TargetMet is not null).ToList();
        return $"mrt5{(quick ? " (quick)" : "")}: {string.Join("; ", parts)}; targets met {targets.Count(r => r.TargetMet == true)}/{targets.Count}";
    }

    private static string F(double? value, string format) => BenchRun.Format(value, format);
}
