using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Torchwright.Ftp.Benchmarks;

/// <summary>One comparison: medians of a baseline and a candidate, and candidate/baseline.</summary>
/// <param name="Name">What is compared.</param>
/// <param name="Baseline">The baseline run.</param>
/// <param name="Candidate">The candidate run.</param>
/// <param name="BaselineMedianMs">The baseline's median time, ms.</param>
/// <param name="CandidateMedianMs">The candidate's median time, ms.</param>
/// <param name="Ratio">Candidate / baseline time; below 1 is faster.</param>
/// <param name="Speedup">Baseline / candidate time.</param>
/// <param name="Target">The goal, in words.</param>
/// <param name="Met">Whether the goal is met (judged on <paramref name="Ratio"/>); null where there is no numeric goal.</param>
/// <param name="PairedRatio">Candidate / baseline time as the median of alternating rounds in one process; null where not measured.</param>
public sealed record FtpCase(string Name, string Baseline, string Candidate, double BaselineMedianMs, double CandidateMedianMs,
    double Ratio, double Speedup, string Target, bool? Met, double? PairedRatio = null);

/// <summary>Everything <c>artifacts/bench/ftp.json</c> holds.</summary>
public sealed record FtpReport(string Mode, DateTimeOffset Finished, double WallSeconds, string Machine, int TorchThreads,
    string LoadAverageAtStart, string LoadAverageAtEnd, int DecodingModelSteps, IReadOnlyList<FtpCase> Cases,
    AcceptanceReport GreedyAcceptance, AcceptanceReport SampledAcceptance)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep "<=" readable
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
