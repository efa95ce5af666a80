namespace Torchwright.Benchmarks;

/// <summary>
/// One comparison: a candidate against a baseline at one size and mode, with the target, if any.
/// The ratio is baseline time / candidate time, so above 1 means the candidate is faster.
/// </summary>
public sealed record BenchCase(
    string Name,
    BenchSize Size,
    BenchMode Mode,
    string Precision,
    Contender Baseline,
    Contender Candidate,
    double? TargetRatio = null,
    double? TargetRooflineFraction = null)
{
    public MeasuredRun BaselineRun => new(Baseline, Size, Mode);

    public MeasuredRun CandidateRun => new(Candidate, Size, Mode);
}
