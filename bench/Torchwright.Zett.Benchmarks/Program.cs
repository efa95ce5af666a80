using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Running;
using static TorchSharp.torch;

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

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static int Main(string[] args)
    {
        if (RetainedMemoryLaunch.RunAgainIfNeeded(args) is { } exitCode)
        {
            return exitCode;
        }
        var watch = Stopwatch.StartNew();
        var options = BenchOptions.Parse(args);
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }
        var machine = $"{Environment.ProcessorCount} logical cores, torch threads {get_num_threads()}, load average {LoadAverage()}";
        Console.WriteLine($"{(options.Quick ? "quick" : "full")} run; {machine}");
        var dynamic = ZettWorkload.DynamicFacts();
        Console.WriteLine($"dynamic tokenization: m = {dynamic.Merges}, table reduction {dynamic.Expected:P1}, measured on the scored batch {dynamic.Measured:P1}");

        ZettBenchmarks.Selected = RunKeys;
        var summary = BenchmarkRunner.Run<ZettBenchmarks>(BenchConfig.Create(options));
        var medians = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters[nameof(ZettBenchmarks.RunKey)], r => r.ResultStatistics!.Median / 1e6);

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
            $"zett{(options.Quick ? " (quick)" : "")}: hypernetwork {F(embeddingsPerSecond, "F0")} embeddings/s (32k vocabulary, {F(results[0].Ratio)}x the mean-of-pieces speed); switch to 32k tokens {F(results[1].CandidateMedianMs)} ms; dynamic tokenization at {dynamic.Measured:P0} fewer tokens (m={dynamic.Merges}) {F(results[2].Ratio)}x net speed-up");
        var report = new
        {
            Run = options.Quick ? "quick" : "full",
            Toolchain = "in-process",
            Finished = DateTimeOffset.Now,
            WallSeconds = watch.Elapsed.TotalSeconds,
            Machine = machine,
            LoadAverageAtEnd = LoadAverage(),
            VocabularySize = ZettWorkload.LargeVocabulary,
            EmbeddingsPerSecond = embeddingsPerSecond,
            DynamicMerges = dynamic.Merges,
            DynamicTableReduction = dynamic.Expected,
            DynamicMeasuredReduction = dynamic.Measured,
            Batch = ZettWorkload.Batch,
            ChunkLength = ZettWorkload.ChunkLength,
            Cases = results,
            Summary = line,
        };
        Directory.CreateDirectory(options.ArtifactsDirectory);
        var path = Path.Combine(options.ArtifactsDirectory, "zett.json");
        File.WriteAllText(path, JsonSerializer.Serialize(report, Json) + "\n");
        Console.WriteLine($"wrote {path} after {watch.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine(line);
        return RunKeys.All(medians.ContainsKey) ? 0 : 1;
    }

    private static string F(double? value, string format = "F2") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}

/// <summary>One row of the report: medians in milliseconds and baseline/candidate.</summary>
public sealed record CaseResult(string Name, string BaselineKey, string CandidateKey, double? BaselineMedianMs, double? CandidateMedianMs, double? Ratio);
