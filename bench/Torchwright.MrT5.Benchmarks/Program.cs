using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Running;
using static TorchSharp.torch;

using Torchwright.Bench;
using Torchwright.Runtime;

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
        Console.WriteLine($"model {DeletionWorkload.Config}; batch {DeletionWorkload.Batch} × {DeletionWorkload.InputBytes} bytes; decoder pass over {DeletionWorkload.DecoderLength} bytes");

        var keys = RunKeys(Cases);
        var facts = keys.ToDictionary(k => k, k =>
        {
            using var workload = DeletionWorkload.Create(k);
            return (workload.MeasuredRate, workload.EncoderLength);
        });
        MrT5Benchmarks.Selected = keys;
        var summary = BenchmarkRunner.Run<MrT5Benchmarks>(BenchConfig.Create(options));
        var medians = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters[nameof(MrT5Benchmarks.RunKey)], r => r.ResultStatistics!.Median / 1e6);

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
        var line = SummaryLine(results, options.Quick);
        var report = new
        {
            Run = options.Quick ? "quick" : "full",
            Toolchain = "in-process",
            Finished = DateTimeOffset.Now,
            WallSeconds = watch.Elapsed.TotalSeconds,
            Machine = machine,
            LoadAverageAtEnd = LoadAverage(),
            HostMemory = $"{HostMemory.Mode}: {HostMemory.Reason}",
            Model = DeletionWorkload.Config.ToString(),
            Batch = DeletionWorkload.Batch,
            InputBytes = DeletionWorkload.InputBytes,
            DecoderLength = DeletionWorkload.DecoderLength,
            Cases = results,
            Summary = line,
        };
        Directory.CreateDirectory(options.ArtifactsDirectory);
        var path = Path.Combine(options.ArtifactsDirectory, "mrt5.json");
        File.WriteAllText(path, JsonSerializer.Serialize(report, Json) + "\n");
        Console.WriteLine($"wrote {path} after {watch.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine(line);

        var missing = keys.Where(k => !medians.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"no measurement for: {string.Join(", ", missing)}");
            return 1;
        }
        return results.Any(r => r.TargetMet == false) ? 2 : 0;
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

    private static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
