using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Running;
using Torchwright.Bench;

namespace Torchwright.FlexTok.Benchmarks;

/// <summary>
/// Issue 9's benchmark: tokenize and detokenize throughput (images per second) at k = 1, 4, 16 with 8 Euler steps,
/// and the cost of one flow-decoder step. Tokenize is compared with the bare encoder, detokenize with eight bare
/// decoder evaluations (the sampler's overhead), guided detokenize with plain detokenize. Writes
/// <c>artifacts/bench/flextok.json</c> and prints a one-line summary.
/// </summary>
public static class Program
{
    private static readonly int[] TokenCounts = { 1, 4, 16 };

    public static readonly IReadOnlyList<BenchCase> Cases = TokenCounts
        .Select(k => new BenchCase("tokenize vs bare encoder", k, WorkloadKind.Encoder, WorkloadKind.Tokenize))
        .Concat(TokenCounts.Select(k => new BenchCase("detokenize (8 Euler steps) vs 8 bare decoder steps", k, WorkloadKind.DecoderSteps, WorkloadKind.Detokenize)))
        .Append(new BenchCase("guided detokenize (CFG) vs plain", 16, WorkloadKind.Detokenize, WorkloadKind.DetokenizeGuided))
        .Append(new BenchCase("one flow-decoder step vs eight", 16, WorkloadKind.DecoderSteps, WorkloadKind.DecoderStep))
        .ToList();

    public static int Main(string[] args)
    {
        if (!BenchRun.TryStart(args, out var run, out var childExitCode))
        {
            return childExitCode;
        }
        Console.WriteLine($"model {TokenizerWorkload.Config}; batch {TokenizerWorkload.Batch}; {TokenizerWorkload.EulerSteps} Euler steps");

        var keys = RunKeys(Cases);
        FlexTokBenchmarks.Selected = keys;
        var medians = BenchRun.MediansMs(BenchmarkRunner.Run<FlexTokBenchmarks>(BenchConfig.Create(run.Options)), nameof(FlexTokBenchmarks.RunKey));

        var results = Cases.Select(c =>
        {
            double? baseline = medians.TryGetValue(c.BaselineKey, out var b) ? b : null;
            double? candidate = medians.TryGetValue(c.CandidateKey, out var k) ? k : null;
            return new CaseResult(c.Name, c.Tokens, c.BaselineKey, c.CandidateKey, baseline, candidate, baseline / candidate,
                TokenizerWorkload.Batch / (candidate / 1000));
        }).ToList();
        double? stepMs = medians.TryGetValue(TokenizerWorkload.Format(WorkloadKind.DecoderStep, 16), out var step) ? step : null;

        Console.WriteLine();
        Console.Write(Table(results));
        run.Write("flextok", new
        {
            Model = TokenizerWorkload.Config.ToString(),
            Batch = TokenizerWorkload.Batch,
            EulerSteps = TokenizerWorkload.EulerSteps,
            DecoderStepMs = stepMs,
            DecoderStepMsPerImage = stepMs / TokenizerWorkload.Batch,
            Cases = results,
        }, SummaryLine(results, stepMs, run.Options.Quick));
        return BenchRun.ExitCode(keys, medians.ContainsKey);
    }

    /// <summary>The distinct runs the cases need, baselines first.</summary>
    public static IReadOnlyList<string> RunKeys(IEnumerable<BenchCase> cases)
        => cases.SelectMany(c => new[] { c.BaselineKey, c.CandidateKey }).Distinct().ToList();

    private static string Table(IReadOnlyList<CaseResult> rows)
    {
        var text = new StringBuilder();
        const string format = "{0,-52} {1,3} {2,10} {3,10} {4,8} {5,10}";
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, "case", "k", "base ms", "cand ms", "ratio", "images/s"));
        foreach (var r in rows)
        {
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, format, r.Name, r.Tokens, F(r.BaselineMedianMs, "F2"), F(r.CandidateMedianMs, "F2"),
                F(r.Ratio, "F2") + "x", F(r.CandidateImagesPerSecond, "F0")));
        }
        return text.ToString();
    }

    private static string SummaryLine(IReadOnlyList<CaseResult> rows, double? stepMs, bool quick)
    {
        string Rate(WorkloadKind kind, int k) => F(rows.FirstOrDefault(r => r.Candidate == TokenizerWorkload.Format(kind, k))?.CandidateImagesPerSecond, "F0");
        var tokenize = string.Join("/", TokenCounts.Select(k => Rate(WorkloadKind.Tokenize, k)));
        var detokenize = string.Join("/", TokenCounts.Select(k => Rate(WorkloadKind.Detokenize, k)));
        var overhead = rows.Where(r => r.Candidate.StartsWith(nameof(WorkloadKind.Detokenize) + "/", StringComparison.Ordinal)).Select(r => r.Ratio).Min();
        return $"flextok{(quick ? " (quick)" : "")}: tokenize {tokenize} images/s, detokenize (8 steps) {detokenize} images/s at k=1/4/16; " +
            $"decoder step {F(stepMs, "F2")} ms per batch of {TokenizerWorkload.Batch}; sampler efficiency vs bare decoder ≥ {F(overhead, "F2")}x";
    }

    private static string F(double? value, string format) => BenchRun.Format(value, format);
}
