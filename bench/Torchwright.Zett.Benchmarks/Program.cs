using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;

using Torchwright.Bench;

namespace Torchwright.Zett.Benchmarks;

/// <summary>
/// Issue 8's benchmark: hypernetwork throughput for a 32k-token vocabulary (against the mean-of-pieces heuristic),
/// the end-to-end cost of switching the model to a new 32k tokenizer, and dynamic tokenization's net speed-up of
/// a scoring pass at a 20% sequence reduction, merges and embedding lookups included. Writes
/// <c>artifacts/bench/zett.json</c> and prints a one-line summary.
/// </summary>
public static class Program
{
    private static readonly (string Name, string Baseline, string Candidate)[] Cases =
    {
        ("predict 32k embeddings: hypernetwork vs mean of pieces", "mean_of_pieces_32k", "hypernetwork_32k"),
        ("switch to a 32k tokenizer end to end", "switch_mean_32k", "switch_hypernetwork_32k"),
        ("scoring pass: dynamic tokenization vs original", "score_original", "score_dynamic"),
    };

    /// <summary>The distinct runs the cases need.</summary>
    public static IReadOnlyList<string> RunKeys => Cases.SelectMany(c => new[] { c.Baseline, c.Candidate }).Distinct().ToList();

    public static int Main(string[] args)
    {
        if (!BenchRun.TryStart(args, out var run, out var childExitCode))
        {
            return childExitCode;
        }
        var dynamic = ZettWorkload.DynamicFacts();
        Console.WriteLine($"dynamic tokenization: m = {dynamic.Merges}, table reduction {dynamic.Expected:P1}, measured on the scored batch {dynamic.Measured:P1}");

        ZettBenchmarks.Selected = RunKeys;
        var medians = BenchRun.MediansMs(BenchmarkRunner.Run<ZettBenchmarks>(BenchConfig.Create(run.Options)), nameof(ZettBenchmarks.RunKey));
        var results = Cases.Select(c =>
        {
            double? baseline = medians.TryGetValue(c.Baseline, out var b) ? b : null;
            double? candidate = medians.TryGetValue(c.Candidate, out var k) ? k : null;
            return new CaseResult(c.Name, c.Baseline, c.Candidate, baseline, candidate, baseline / candidate);
        }).ToList();
        double? embeddingsPerSecond = medians.TryGetValue("hypernetwork_32k", out var hyper) ? ZettWorkload.LargeVocabulary / (hyper / 1000) : null;

        Console.WriteLine();
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-56} baseline {F(r.BaselineMedianMs)} ms  candidate {F(r.CandidateMedianMs)} ms  baseline/candidate {F(r.Ratio)}x"));
        }
        var line = string.Create(CultureInfo.InvariantCulture,
            $"zett{(run.Options.Quick ? " (quick)" : "")}: hypernetwork {F(embeddingsPerSecond, "F0")} embeddings/s (32k vocabulary, {F(results[0].Ratio)}x the mean-of-pieces speed); switch to 32k tokens {F(results[1].CandidateMedianMs)} ms; dynamic tokenization at {dynamic.Measured:P0} fewer tokens (m={dynamic.Merges}) {F(results[2].Ratio)}x net speed-up");
        run.Write("zett", new
        {
            VocabularySize = ZettWorkload.LargeVocabulary,
            EmbeddingsPerSecond = embeddingsPerSecond,
            DynamicMerges = dynamic.Merges,
            DynamicTableReduction = dynamic.Expected,
            DynamicMeasuredReduction = dynamic.Measured,
            Batch = ZettWorkload.Batch,
            ChunkLength = ZettWorkload.ChunkLength,
            Cases = results,
        }, line);
        return BenchRun.ExitCode(RunKeys, medians.ContainsKey);
    }

    private static string F(double? value, string format = "F2") => BenchRun.Format(value, format);
}

/// <summary>One row of the report: medians in milliseconds and baseline/candidate.</summary>
public sealed record CaseResult(string Name, string BaselineKey, string CandidateKey, double? BaselineMedianMs, double? CandidateMedianMs, double? Ratio);
