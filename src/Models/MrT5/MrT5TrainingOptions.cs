namespace Torchwright.Models.MrT5;

/// <summary>
/// MrT5's training objective: <c>CE + α·mean_non-pad(G) + β·score excess</c>, with α steered by a PI controller
/// toward a target deletion rate once the regulariser delay has passed.
/// </summary>
public sealed record MrT5TrainingOptions
{
    /// <summary>The deletion rate δ the controller steers toward; null keeps α fixed at <see cref="GateLossCoefficient"/>.</summary>
    public double? TargetDeletionRate { get; init; } = 0.4;

    /// <summary>k_p of the controller. Default 0.5, as in the reference.</summary>
    public double ProportionalGain { get; init; } = 0.5;

    /// <summary>k_i of the controller. Default 1e-3 (the reference's 1e-5 is tuned for runs of thousands of steps).</summary>
    public double IntegralGain { get; init; } = 1e-3;

    /// <summary>Steps trained on cross-entropy alone before the gate loss (and the controller) start.</summary>
    public int RegularizerDelay { get; init; } = 100;

    /// <summary>α: fixed without a target, the starting value with one. Default 0.</summary>
    public double GateLossCoefficient { get; init; }

    /// <summary>β of the attention-score regulariser (0.5 for training from scratch; 0 turns it off).</summary>
    public double ScoreCoefficient { get; init; } = 0.5;
}
