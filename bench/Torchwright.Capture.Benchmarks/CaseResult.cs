namespace Torchwright.Capture.Benchmarks;

/// <summary>One row of <c>capture.json</c>: eager (baseline) against replay (candidate) at one size.</summary>
public sealed record CaseResult(
    string Size,
    int Batch,
    int Length,
    int Dim,
    int Layers,
    int Heads,
    string Baseline,
    string Candidate,
    double? BaselineMedianMs,
    double? CandidateMedianMs,
    double? Ratio,
    double TargetRatio,
    bool? TargetMet,
    long? BaselineBytesPerCall,
    long? CandidateBytesPerCall,
    double BaselineTensorsPerCall,
    double CandidateTensorsPerCall,
    int PlanBuffers,
    int PlanSteps,
    double LargestDifference,
    double PairedRatio,
    bool PairedTargetMet);
