using System.Collections.Generic;

namespace Torchwright.Benchmarks;

/// <summary>
/// One row of <c>blocks.json</c>. Errors are the candidate's (and the baseline's) logits against the fp32 logits.
/// <c>RatioCeiling</c> is the ratio a candidate running exactly at its roofline would reach: where it is below the
/// target, no implementation of the same FLOPs can meet the target at this precision. <c>PairedRatio</c> is the same
/// ratio timed in alternating rounds (<see cref="PairedRatios"/>; small and medium only); targets are judged on the
/// BenchmarkDotNet medians. <c>BaselineReplayThreads</c> and <c>CandidateReplayThreads</c> say on how many threads a
/// contender's capture plans replayed in its BenchmarkDotNet block (<see cref="BenchModel.ReplayThreads"/>; null for
/// contenders without plans, and out of process). <c>BaselineIterationsMs</c> and <c>CandidateIterationsMs</c> are
/// each BenchmarkDotNet block's measured iterations, <c>BaselineSpread</c> and <c>CandidateSpread</c> their slowest over
/// their fastest (<see cref="BlockIterations"/>).
/// </summary>
public sealed record CaseResult(
    string Name,
    string Size,
    string Mode,
    string Precision,
    string Baseline,
    string Candidate,
    double? BaselineMedianMs,
    double? CandidateMedianMs,
    double? Ratio,
    double? PairedRatio,
    double? RatioCeiling,
    double? Gflops,
    double RooflineGflops,
    double? RooflineFraction,
    double? BaselineGflops,
    double? MaxAbsErrorVsFp32,
    double? RelErrorVsFp32,
    double? BaselineMaxAbsErrorVsFp32,
    double? BaselineRelErrorVsFp32,
    double? TargetRatio,
    double? TargetRooflineFraction,
    double? TargetMaxRelativeError,
    bool TargetMoreAccurateThanBaseline,
    bool? TargetMet,
    string? BaselineReplayThreads,
    string? CandidateReplayThreads,
    IReadOnlyList<double>? BaselineIterationsMs,
    IReadOnlyList<double>? CandidateIterationsMs)
{
    public double? BaselineSpread => BlockIterations.Spread(BaselineIterationsMs);

    public double? CandidateSpread => BlockIterations.Spread(CandidateIterationsMs);

    /// <summary>The larger of the two blocks' spreads.</summary>
    public double? Spread => BaselineSpread is null && CandidateSpread is null ? null : System.Math.Max(BaselineSpread ?? 0, CandidateSpread ?? 0);

    public static CaseResult From(
        BenchCase c,
        IReadOnlyDictionary<string, double> mediansMs,
        IReadOnlyDictionary<string, double[]> iterationsMs,
        IReadOnlyDictionary<(string Baseline, string Candidate), double> pairedRatios,
        IReadOnlyDictionary<(string, string), NumericError> errors,
        IReadOnlyDictionary<string, double> rooflines,
        IReadOnlyDictionary<string, string> replayThreads)
    {
        double? baseline = mediansMs.TryGetValue(c.BaselineRun.Key, out var b) ? b : null;
        double? candidate = mediansMs.TryGetValue(c.CandidateRun.Key, out var k) ? k : null;
        var flops = FlopCount.Of(c.Size, c.Mode);
        // Each side is held against the roofline of its own precision.
        var roofline = rooflines[c.Candidate.Precision];
        double? gflops = candidate is { } ms ? flops / (ms / 1e3) / 1e9 : null;
        double? baselineGflops = baseline is { } bms ? flops / (bms / 1e3) / 1e9 : null;
        double? ratio = baseline is { } x && candidate is { } y ? x / y : null;
        double? paired = pairedRatios.TryGetValue((c.BaselineRun.Key, c.CandidateRun.Key), out var p) ? p : null;
        double? ceiling = baseline / (flops / roofline / 1e9 * 1e3);
        double? fraction = gflops / roofline;
        errors.TryGetValue((c.Candidate.Id, c.Size.Name), out var candidateError);
        errors.TryGetValue((c.Baseline.Id, c.Size.Name), out var baselineError);

        bool? met = null;
        if (c.TargetRatio is not null || c.TargetRooflineFraction is not null || c.MaxRelativeError is not null || c.MoreAccurateThanBaseline)
        {
            met = (c.TargetRatio is null || ratio >= c.TargetRatio) && (c.TargetRooflineFraction is null || fraction >= c.TargetRooflineFraction)
                && (c.MaxRelativeError is null || candidateError?.Relative <= c.MaxRelativeError)
                && (!c.MoreAccurateThanBaseline || candidateError?.Relative < baselineError?.Relative);
        }
        return new CaseResult(c.Name, c.Size.Name, c.Mode.Json(), c.Precision, c.Baseline.Id, c.Candidate.Id,
            baseline, candidate, ratio, paired, ceiling, gflops, roofline, fraction, baselineGflops,
            candidateError?.MaxAbs, candidateError?.Relative, baselineError?.MaxAbs, baselineError?.Relative,
            c.TargetRatio, c.TargetRooflineFraction, c.MaxRelativeError, c.MoreAccurateThanBaseline, met,
            replayThreads.GetValueOrDefault(c.BaselineRun.Key), replayThreads.GetValueOrDefault(c.CandidateRun.Key),
            iterationsMs.GetValueOrDefault(c.BaselineRun.Key), iterationsMs.GetValueOrDefault(c.CandidateRun.Key));
    }
}
