namespace Torchwright.Runtime.Training;

/// <summary>What happened in one optimisation step.</summary>
/// <param name="Step">0-based global step index.</param>
/// <param name="Loss">Loss value before the update.</param>
/// <param name="LearningRate">Learning rate used for the update.</param>
/// <param name="GradNorm">Global L2 norm of the gradients before clipping.</param>
/// <param name="ElapsedMilliseconds">Cumulative time spent in training steps since the trainer was created, at the end of this step
/// (progress display, metrics and plot output are not counted).</param>
/// <param name="StepMilliseconds">Duration of this step.</param>
public sealed record StepRecord(
    int Step,
    float Loss,
    double LearningRate,
    double GradNorm,
    double ElapsedMilliseconds,
    double StepMilliseconds);
