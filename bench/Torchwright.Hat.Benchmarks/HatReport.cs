using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Torchwright.Hat.Benchmarks;

/// <summary>One side of a comparison: the median time of a step and the throughput it gives.</summary>
public sealed record RunResult(string Model, long Parameters, double MedianMs, double Throughput);

/// <summary>A comparison: GPT (baseline) and HAT (candidate); <c>Ratio</c> = HAT throughput / GPT throughput.</summary>
public sealed record CaseResult(string Name, string Description, string Unit, RunResult Baseline, RunResult Candidate, double Ratio, double PairedRatio, double? Target, bool? Met);

/// <summary>What <c>artifacts/bench/hat.json</c> holds.</summary>
public sealed record HatReport(
    string Mode,
    DateTimeOffset Date,
    double WallSeconds,
    int Cores,
    int TorchThreads,
    string LoadAverageAtStart,
    string LoadAverageAtEnd,
    int ContextBytes,
    int Batch,
    double CorpusBytesPerWord,
    object HatConfig,
    object GptConfig,
    IReadOnlyList<CaseResult> Cases,
    string Summary)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keeps "×" and "≥" readable
    };

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + Environment.NewLine);
    }

    /// <summary>One line: every case's ratio and whether the 2x targets are met.</summary>
    public static string SummaryLine(IReadOnlyList<CaseResult> cases, string mode)
    {
        var parts = cases.Select(c => $"{c.Name} {c.Ratio:F2}x, paired {c.PairedRatio:F2}x" + (c.Target is { } t ? (c.Met == true ? $" (≥{t:F0}x met)" : $" (target {t:F0}x NOT met)") : ""));
        return $"HAT vs byte-level GPT of equal parameters at {BenchSizes.Context}-byte contexts ({mode}): {string.Join(", ", parts)}";
    }

    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
