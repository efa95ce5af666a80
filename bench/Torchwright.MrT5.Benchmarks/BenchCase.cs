using System;

namespace Torchwright.MrT5.Benchmarks;

/// <summary>A comparison: the workload at a deletion rate against a baseline workload at rate 0 (by default the same kind).</summary>
/// <param name="Name">What is compared.</param>
/// <param name="Kind">The candidate's workload.</param>
/// <param name="Rate">The candidate's deletion rate.</param>
/// <param name="HasTarget">Whether the issue sets a target: post-gate time at rate d at most 1.15·(1 − d) of rate 0's.</param>
/// <param name="BaselineKind">The baseline's workload; null for <paramref name="Kind"/>.</param>
public sealed record BenchCase(string Name, WorkloadKind Kind, double Rate, bool HasTarget, WorkloadKind? BaselineKind = null)
{
    public string BaselineKey => DeletionWorkload.Format(BaselineKind ?? Kind, 0);

    public string CandidateKey => DeletionWorkload.Format(Kind, Rate);

    /// <summary>The largest allowed candidate/baseline time, or null.</summary>
    public double? TargetTimeFraction => HasTarget ? 1.15 * (1 - Rate) : null;

    /// <summary>The same target as a speed-up (baseline/candidate), the convention of the other benchmark reports.</summary>
    public double? TargetRatio => TargetTimeFraction is { } fraction ? 1 / fraction : null;
}

/// <summary>One row of <c>mrt5.json</c>.</summary>
public sealed record CaseResult(
    string Name,
    string Mode,
    double DeletionRate,
    double MeasuredDeletionRate,
    long EncoderLengthBefore,
    long EncoderLengthAfter,
    string Baseline,
    string Candidate,
    double? BaselineMedianMs,
    double? CandidateMedianMs,
    double? Ratio,
    double? TimeFraction,
    double? TargetRatio,
    double? TargetTimeFraction,
    bool? TargetMet);
