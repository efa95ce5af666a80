namespace Torchwright.Benchmarks;

/// <summary>
/// One comparison: a candidate against a baseline at one size and mode, with the targets, if any.
/// The ratio is baseline time / candidate time, so above 1 means the candidate is faster. The error targets hold the
/// candidate's logits against the fp32 logits: at most <c>MaxRelativeError</c>, and below the baseline's error when
/// <c>MoreAccurateThanBaseline</c>.
/// </summary>
public sealed record BenchCase(
    string Name,
    BenchSize Size,
    BenchMode Mode,
    string Precision,
    Contender Baseline,
    Contender Candidate,
    double? TargetRatio = null,
    double? TargetRooflineFraction = null,
    double? MaxRelativeError = null,
    bool MoreAccurateThanBaseline = false)
{
    public MeasuredRun BaselineRun => new(Baseline, Size, Mode);

    public MeasuredRun CandidateRun => new(Candidate, Size, Mode);
}
