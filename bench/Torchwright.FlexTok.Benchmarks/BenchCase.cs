namespace Torchwright.FlexTok.Benchmarks;

/// <summary>A comparison of a candidate workload against a baseline workload, both on the same batch.</summary>
/// <param name="Name">What is compared.</param>
/// <param name="Tokens">k.</param>
/// <param name="Baseline">The baseline's workload.</param>
/// <param name="Candidate">The candidate's workload.</param>
public sealed record BenchCase(string Name, int Tokens, WorkloadKind Baseline, WorkloadKind Candidate)
{
    public string BaselineKey => TokenizerWorkload.Format(Baseline, Tokens);

    public string CandidateKey => TokenizerWorkload.Format(Candidate, Tokens);
}

/// <summary>One row of <c>flextok.json</c>.</summary>
public sealed record CaseResult(
    string Name,
    int Tokens,
    string Baseline,
    string Candidate,
    double? BaselineMedianMs,
    double? CandidateMedianMs,
    double? Ratio,
    double? CandidateImagesPerSecond);
