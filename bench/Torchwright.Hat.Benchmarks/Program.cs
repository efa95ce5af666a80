using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Running;
using Torchwright.Runtime.Text.Words;
using static TorchSharp.torch;
using Torchwright.Bench;

namespace Torchwright.Hat.Benchmarks;

/// <summary>
/// Issue 6's benchmark: training and inference throughput (bytes per second) of HAT against a byte-level GPT of equal
/// parameter count at 1024-byte contexts, plus cached generation; writes <c>artifacts/bench/hat.json</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (RetainedMemoryLaunch.RunAgainIfNeeded(args) is { } exitCode)
        {
            return exitCode;
        }
        var watch = Stopwatch.StartNew();
        var options = HatBenchOptions.Parse(args);
        set_num_threads(options.Threads);
        var loadAtStart = HatReport.LoadAverage();
        var spans = WordSplitter.GetWordSpans(BenchSubject.Text, BenchSizes.Hat.MaxWordBytes);
        double bytesPerWord = (double)BenchSubject.Text.Length / spans.Count;
        Console.WriteLine($"{(options.Quick ? "quick" : "full")} run, {Environment.ProcessorCount} cores, {get_num_threads()} torch threads, load {loadAtStart}");
        Console.WriteLine($"HAT {BenchSizes.HatParameters:N0} parameters ({BenchSizes.Hat}); GPT {BenchSizes.GptParameters:N0} ({BenchSizes.Gpt}); corpus {bytesPerWord:F2} bytes per word");

        var summary = BenchmarkRunner.Run<HatBenchmarks>(HatBenchConfig.Create(options));
        var medians = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters["Run"], r => r.ResultStatistics!.Median / 1e6);
        var missing = HatCases.RunKeys.Where(k => !medians.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"no measurement for: {string.Join(", ", missing)}");
            return 1;
        }

        var cases = HatCases.All.Select(c =>
        {
            var baseline = Result("ByteGpt", BenchSizes.GptParameters, medians[c.BaselineRun], c.BytesPerStep);
            var candidate = Result("HatModel", BenchSizes.HatParameters, medians[c.CandidateRun], c.BytesPerStep);
            double ratio = candidate.Throughput / baseline.Throughput;
            var paired = Paired(c, options.Quick ? 7 : 21);
            double? target = c.Target > 0 ? c.Target : null;
            // Judged on the paired ratio: load drifting between BenchmarkDotNet's two blocks moves the other by ±10 %.
            return new CaseResult(c.Name, c.Description, c.Unit, baseline, candidate, ratio, paired, target, target is { } t ? paired >= t : null);
        }).ToList();

        Console.WriteLine();
        foreach (var c in cases)
        {
            Console.WriteLine($"{c.Name,-9} GPT {c.Baseline.MedianMs,9:F1} ms {c.Baseline.Throughput,10:N0} {c.Unit} | HAT {c.Candidate.MedianMs,9:F1} ms {c.Candidate.Throughput,10:N0} {c.Unit} | {c.Ratio:F2}x, paired {c.PairedRatio:F2}x");
        }
        var line = HatReport.SummaryLine(cases, options.Quick ? "quick" : "full");
        var report = new HatReport(options.Quick ? "quick" : "full", DateTimeOffset.Now, watch.Elapsed.TotalSeconds, Environment.ProcessorCount, get_num_threads(),
            loadAtStart, HatReport.LoadAverage(), BenchSizes.Context, BenchSizes.Batch, Math.Round(bytesPerWord, 3), BenchSizes.Hat, BenchSizes.Gpt, cases, line);
        var path = Path.Combine(options.ArtifactsDirectory, "hat.json");
        report.Write(path);
        Console.WriteLine($"wrote {path} after {watch.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine(line);
        return 0;
    }

    // GPT and HAT steps in alternating rounds, one step each per round: the median of GPT time / HAT time.
    private static double Paired(HatCases.Case c, int rounds)
    {
        using var gpt = BenchSubject.Create(c.BaselineRun);
        using var hat = BenchSubject.Create(c.CandidateRun);
        return PairedTiming.MedianRatio(gpt.Step, hat.Step, rounds, calls: 1);
    }

    private static RunResult Result(string model, long parameters, double medianMs, int bytesPerStep)
        => new(model, parameters, Math.Round(medianMs, 3), Math.Round(bytesPerStep / (medianMs / 1000), 1));
}
