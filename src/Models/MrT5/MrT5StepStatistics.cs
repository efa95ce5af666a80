namespace Torchwright.Models.MrT5;

/// <summary>What one training step of <see cref="MrT5Objective"/> measured.</summary>
/// <param name="Step">The step.</param>
/// <param name="CrossEntropy">Decoder cross-entropy.</param>
/// <param name="GateMean">Mean G over real tokens.</param>
/// <param name="DeletionRate">Fraction of real tokens with G below the deletion threshold.</param>
/// <param name="Alpha">The gate-loss coefficient used in this step.</param>
/// <param name="ScoreExcess">The attention-score regulariser (0 when off).</param>
/// <param name="Total">The loss that was minimised.</param>
public sealed record MrT5StepStatistics(int Step, double CrossEntropy, double GateMean, double DeletionRate, double Alpha, double ScoreExcess, double Total);
