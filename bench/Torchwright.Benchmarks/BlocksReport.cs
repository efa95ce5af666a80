using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Torchwright.Benchmarks;

/// <summary>Everything <c>blocks.json</c> holds.</summary>
public sealed record BlocksReport(
    string Run,
    string Toolchain,
    DateTimeOffset Finished,
    double WallSeconds,
    MachineInfo Machine,
    string LoadAverageAtEnd,
    IReadOnlyDictionary<string, RooflineResult> Rooflines,
    int ErrorRows,
    IReadOnlyList<CaseResult> Cases,
    IReadOnlyList<ProductCeilingResult> ProductCeilings,
    IReadOnlyList<string> SkippedInQuick,
    MemoryReport? Memory)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
    }
}

/// <summary>Best matmul GFLOP/s of one precision, and per matrix size.</summary>
public sealed record RooflineResult(double BestGflops, IReadOnlyDictionary<string, double> BySize);

/// <summary>The console table and the one-line summary.</summary>
public static class ReportText
{
    public static string Table(IReadOnlyList<CaseResult> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-34} {1,-6} {2,-10} {3,-4} {4,-22} {5,10} {6,10} {7,7} {8,7} {9,7} {10,8} {11,7} {12,9} {13,9} {14,6} {15,-8}",
            "case", "size", "mode", "prec", "baseline", "base ms", "cand ms", "ratio", "paired", "ceiling", "GFLOP/s", "roof%", "max|Δ|", "rel Δ", "spread", "target"));
        foreach (var r in rows)
        {
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-34} {1,-6} {2,-10} {3,-4} {4,-22} {5,10} {6,10} {7,7} {8,7} {9,7} {10,8} {11,7} {12,9} {13,9} {14,6} {15,-8}",
                r.Name, r.Size, r.Mode, r.Precision, r.Baseline, F(r.BaselineMedianMs, "F3"), F(r.CandidateMedianMs, "F3"),
                F(r.Ratio, "F2") + "x", r.PairedRatio is null ? "-" : F(r.PairedRatio, "F2") + "x", F(r.RatioCeiling, "F2") + "x", F(r.Gflops, "F1"), F(r.RooflineFraction * 100, "F1") + "%",
                F(r.MaxAbsErrorVsFp32, "G2"), F(r.RelErrorVsFp32, "G2"), F(r.Spread, "F2") + "x", Target(r)));
        }
        return text.ToString();
    }

    public static string CeilingTable(IReadOnlyList<ProductCeilingResult> rows)
    {
        if (rows.Count == 0)
        {
            return "";
        }
        const string format = "{0,-6} {1,14} {2,14} {3,9} {4,10} {5,10} {6,12} {7,12} {8,15}";
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("forward products alone (no norm, softmax, activation, residual or copy), in the same rotating rounds as the forwards:");
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, format,
            "size", "fp32 of fwd ms", "bf16 of fwd ms", "bf16 gain", "fp32 roof%", "bf16 roof%", "fp32 rest ms", "bf16 rest ms", "rest at target"));
        foreach (var r in rows)
        {
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, format,
                r.Size, $"{F(r.Fp32ProductsMs, "F1")}/{F(r.Fp32ForwardMs, "F1")}", $"{F(r.Bf16ProductsMs, "F1")}/{F(r.Bf16ForwardMs, "F1")}",
                F(r.ProductsBf16Speedup, "F2") + "x", F(r.Fp32ProductsRooflineFraction * 100, "F1") + "%", F(r.Bf16ProductsRooflineFraction * 100, "F1") + "%",
                F(r.Fp32OtherMs, "F2"), F(r.Bf16OtherMs, "F2"), $"{F(r.Bf16OtherMsAtTarget, "F2")} at {F(r.TargetRatio, "0.##")}x"));
        }
        return text.ToString();
    }

    public static string SummaryLine(IReadOnlyList<CaseResult> rows, IReadOnlyList<ProductCeilingResult> ceilings, MemoryReport? memory, bool quick)
    {
        string ratios(string name, string mode) => string.Join(" ", rows
            .Where(r => r.Name == name && r.Mode == mode && r.Ratio is not null)
            .Select(r => $"{r.Size} {F(r.Ratio, "F2")}x" + (r.PairedRatio is { } p ? $" (paired {p:F2}x)" : "")));
        var large = rows.FirstOrDefault(r => r.Name == "generated vs hand-written" && r.Size == "large" && r.Mode == "forward");
        var targets = rows.Where(r => r.TargetMet is not null).ToList();
        var parts = new List<string>
        {
            $"blocks: {rows.Count} cases{(quick ? " (quick)" : "")}",
            $"generated vs hand-written fp32 forward {ratios("generated vs hand-written", "forward")} (no session {ratios("generated eager vs hand-written", "forward")}), train {ratios("generated vs hand-written", "train_step")}",
            $"vs built-in forward {ratios("generated vs built-in", "forward")}, train {ratios("generated vs built-in", "train_step")}",
        };
        if (large?.RooflineFraction is { } fraction)
        {
            parts.Add($"large forward {fraction * 100:F0}% of fp32 roofline");
        }
        if (ceilings.Count > 0)
        {
            parts.Add("products alone: " + string.Join(", ", ceilings.Select(c =>
                $"{c.Size} bf16 {c.ProductsBf16Speedup:F2}x faster, fp32 at {c.Fp32ProductsRooflineFraction * 100:F0}% of roofline")));
        }
        parts.Add($"targets met {targets.Count(r => r.TargetMet == true)}/{targets.Count}");
        var unsteady = targets.Where(r => r.Spread > BlockIterations.UnsteadySpread).ToList();
        if (unsteady.Count > 0)
        {
            // A verdict resting on a block whose iterations drifted apart is named, so that it is checked before it is read as the code's.
            parts.Add($"unsteady blocks under {unsteady.Count} judged case(s) (iterations over {BlockIterations.UnsteadySpread:0.0#}x apart): " +
                string.Join(", ", unsteady.Select(r => $"{r.Name} {r.Size} {r.Mode} {r.Spread:F2}x ({(r.TargetMet == true ? "met" : "missed")})")));
        }
        if (memory is not null)
        {
            parts.Add($"memory {(memory.Passed ? "ok" : "FAILED")} ({memory.Iterations} forwards, RSS {memory.RssGrowthPercent:+0.00;-0.00}%)");
        }
        return string.Join("; ", parts);
    }

    private static string Target(CaseResult r)
    {
        if (r.TargetMet is null)
        {
            return "";
        }
        var goal = string.Join("+", new[]
        {
            r.TargetRatio is { } t ? $"≥{t:0.##}x" : null,
            r.TargetRooflineFraction is { } f ? $"≥{f * 100:0}%roof" : null,
            r.TargetMaxRelativeError is { } e ? $"relΔ≤{e:0.###}" : null,
            r.TargetMoreAccurateThanBaseline ? "relΔ<base" : null,
        }.Where(s => s is not null));
        return $"{goal} {(r.TargetMet == true ? "met" : "MISSED")}";
    }

    private static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
