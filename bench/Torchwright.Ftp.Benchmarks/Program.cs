using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using static TorchSharp.torch;
using Torchwright.Bench;

namespace Torchwright.Ftp.Benchmarks;

/// <summary>
/// Issue 7's benchmark: the FTP training step against the GPT baseline with the same encoder (B=8, T=256; target
/// FTP at most 1.5× GPT, judged with an encoder of the paper's depth, 12 layers; the tiny tests' 4-layer encoder is
/// reported beside it),
/// and draft-and-verify decoding against one-token decoding on the trained tiny model
/// (speedup, with acceptance rates). Writes <c>artifacts/bench/ftp.json</c> and prints a one-line summary.
/// </summary>
public static class Program
{
    public const double StepTarget = 1.5;

    public static int Main(string[] args)
    {
        if (RetainedMemoryLaunch.RunAgainIfNeeded(args) is { } exitCode)
        {
            return exitCode;
        }
        var watch = Stopwatch.StartNew();
        var options = FtpBenchOptions.Parse(args);
        var loadAtStart = LoadAverage();
        Console.WriteLine($"{(options.Quick ? "quick" : "full")} run; {Environment.ProcessorCount} logical cores, torch threads {get_num_threads()}, load average {loadAtStart}");

        var (model, data) = DecodingModel.Train(options.DecodingModelSteps);
        using var trained = model;
        var greedy = DecodingModel.Acceptance(model, data, sampled: false);
        var sampled = DecodingModel.Acceptance(model, data, sampled: true);
        DecodeBenchmarks.Trained = model;
        DecodeBenchmarks.Prompt = DecodingModel.Prompt(data);

        var config = FtpBenchConfig.Create(options);
        var steps = BenchmarkRunner.Run<TrainStepBenchmarks>(config).Reports.Where(r => r.ResultStatistics is not null).ToDictionary(
            r => TrainStepBenchmarks.Key((string)r.BenchmarkCase.Parameters[nameof(TrainStepBenchmarks.Model)], (int)r.BenchmarkCase.Parameters[nameof(TrainStepBenchmarks.EncoderLayers)]),
            r => r.ResultStatistics!.Median / 1e6);
        var decoding = Medians(BenchmarkRunner.Run<DecodeBenchmarks>(config), nameof(DecodeBenchmarks.Mode));

        var cases = new[]
        {
            StepCase(TrainStepBenchmarks.Gpt2SmallDepth, steps, "GPT-2 small's depth, the paper's encoder", options.PairedRounds, judged: true),
            StepCase(TrainStepBenchmarks.TinyDepth, steps, "the tiny tests' encoder", options.PairedRounds, judged: false),
            Case($"greedy decoding, {DecodeBenchmarks.Tokens} tokens", "greedy-one-step", "greedy-draft", decoding, "speedup > 1", ratio => ratio < 1),
            Case($"sampled decoding, {DecodeBenchmarks.Tokens} tokens", "sampled-one-step", "sampled-draft", decoding, "speedup > 1", ratio => ratio < 1),
        };
        var report = new FtpReport(options.Quick ? "quick" : "full", DateTimeOffset.Now, watch.Elapsed.TotalSeconds,
            Environment.ProcessorCount + " logical cores", get_num_threads(), loadAtStart, LoadAverage(), options.DecodingModelSteps, cases, greedy, sampled);
        var path = Path.Combine(options.ArtifactsDirectory, "ftp.json");
        report.Write(path);

        foreach (var c in cases)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name}: {c.Baseline} {c.BaselineMedianMs:F1} ms, {c.Candidate} {c.CandidateMedianMs:F1} ms, ratio {c.Ratio:F2}{(c.PairedRatio is { } paired ? $" (paired {paired:F2})" : "")} (speedup {c.Speedup:F2}), target {c.Target}{(c.Met is { } met ? (met ? ": met" : ": NOT met") : "")}"));
        }
        Console.WriteLine($"wrote {path} after {watch.Elapsed.TotalSeconds:F0} s (load average now {report.LoadAverageAtEnd})");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FTP bench ({report.Mode}): train step FTP/GPT {cases[0].Ratio:F2}x (paired {cases[0].PairedRatio:F2}x) with the 12-layer encoder (target <= {StepTarget}x {(cases[0].Met == true ? "met" : "NOT met")}), " +
            $"{cases[1].Ratio:F2}x (paired {cases[1].PairedRatio:F2}x) with the tiny tests' 4 layers (reported, not judged); " +
            $"draft decoding speedup greedy {cases[2].Speedup:F2}x (acceptance {greedy.AcceptanceRate:P0}, {greedy.TokensPerEncoderCall:F2} tokens/encoder call), " +
            $"sampled {cases[3].Speedup:F2}x (acceptance {sampled.AcceptanceRate:P0}, {sampled.TokensPerEncoderCall:F2} tokens/encoder call)"));
        return 0;
    }

    private static System.Collections.Generic.Dictionary<string, double> Medians(Summary summary, string parameter) =>
        summary.Reports.Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters[parameter], r => r.ResultStatistics!.Median / 1e6);

    // The target is judged at the paper's encoder depth. The decoder is a fixed cost per position (about the work of
    // the whole 4-layer tiny encoder), so at 4 layers no implementation reaches 1.5x: that case is reported, not judged.
    private static FtpCase StepCase(int depth, System.Collections.Generic.Dictionary<string, double> medians, string what, int pairedRounds, bool judged)
    {
        var measured = Case($"train step B={TrainStepBenchmarks.Batch} T={TrainStepBenchmarks.Length}, encoder {depth} layers ({what})",
            TrainStepBenchmarks.Key("gpt", depth), TrainStepBenchmarks.Key("ftp", depth), medians, $"ftp/gpt <= {StepTarget}", ratio => ratio <= StepTarget);
        var paired = TrainStepBenchmarks.PairedRatio(depth, pairedRounds);
        return judged
            ? measured with { PairedRatio = paired }
            : measured with { PairedRatio = paired, Target = "none (reported beside the 12-layer case; 2.2x by arithmetic)", Met = null };
    }

    private static FtpCase Case(string name, string baseline, string candidate, System.Collections.Generic.Dictionary<string, double> medians, string target, Func<double, bool> met)
    {
        if (!medians.TryGetValue(baseline, out var b) || !medians.TryGetValue(candidate, out var c))
        {
            throw new InvalidOperationException($"no measurement for {baseline} or {candidate}; BenchmarkDotNet reported: {string.Join(", ", medians.Keys)}");
        }
        return new FtpCase(name, baseline, candidate, b, c, c / b, b / c, target, met(c / b));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
