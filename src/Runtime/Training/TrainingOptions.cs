using System;

namespace Torchwright.Runtime.Training;

/// <summary>
/// Settings for one training run: optimisation hyper-parameters, the learning-rate schedule,
/// logging and output. Every property has a usable default, so callers set only what they need.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Total number of optimisation steps in the schedule. Default 1000.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Peak learning rate, reached at the end of warm-up. Default 3e-4.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Number of linear warm-up steps from near zero to <see cref="LearningRate"/>. Default 0 (no warm-up).</summary>
    public int WarmupSteps { get; init; }

    /// <summary>
    /// The cosine decay ends at <c>LearningRate * MinLearningRateRatio</c> on the last step. Default 0.1.
    /// </summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>Decoupled weight decay, of AdamW and of Muon when set. Default 0.1.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>AdamW first-moment decay. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW second-moment decay. Default 0.95.</summary>
    public double Beta2 { get; init; } = 0.95;

    /// <summary>AdamW epsilon. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>
    /// Muon for the hidden weight matrices and AdamW for the other parameters; <see langword="null"/> (the default)
    /// trains every parameter with AdamW.
    /// </summary>
    public MuonOptions? Muon { get; init; }

    /// <summary>Maximum global L2 norm of the gradients; <see langword="null"/> turns clipping off. Default 1.0.</summary>
    public double? GradientClipNorm { get; init; } = 1.0;

    /// <summary>Seed for <c>torch.manual_seed</c> and for the per-step batch-sampling generators. Default 1234.</summary>
    public long Seed { get; init; } = 1234;

    /// <summary>Log (console line and metrics file) every this many steps; the first and last steps are always logged. Default 10.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Directory for <c>metrics.jsonl</c> and <c>loss.png</c>; <see langword="null"/> writes no files. Default null.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Name shown in progress output and in the loss plot title. Default "run".</summary>
    public string RunName { get; init; } = "run";

    /// <summary>Whether to report progress on the console at all. Default true.</summary>
    public bool ShowProgress { get; init; } = true;

    /// <summary>
    /// How progress is shown when <see cref="ShowProgress"/> is on. <see cref="ProgressStyle.Auto"/> (the default)
    /// uses a live display only on an interactive terminal and plain periodic lines otherwise (redirected output, CI).
    /// </summary>
    public ProgressStyle ProgressStyle { get; init; } = ProgressStyle.Auto;

    /// <summary>Tokens (or samples) consumed per step, used to display throughput; <see langword="null"/> hides it.</summary>
    public long? TokensPerStep { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> if any setting is out of range.</summary>
    public void Validate()
    {
        if (Steps <= 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be positive.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive and finite.");
        if (WarmupSteps < 0 || WarmupSteps > Steps)
            throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "WarmupSteps must be between 0 and Steps.");
        if (!(MinLearningRateRatio >= 0 && MinLearningRateRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(MinLearningRateRatio), MinLearningRateRatio, "MinLearningRateRatio must be in [0, 1].");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must be non-negative.");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "Beta1 must be in [0, 1).");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "Beta2 must be in [0, 1).");
        if (!(Epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be positive.");
        if (GradientClipNorm is { } clip && !(clip > 0))
            throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), clip, "GradientClipNorm must be positive (or null for no clipping).");
        Muon?.Validate();
        if (LogEvery <= 0) throw new ArgumentOutOfRangeException(nameof(LogEvery), LogEvery, "LogEvery must be positive.");
        if (TokensPerStep is { } tokens && tokens <= 0)
            throw new ArgumentOutOfRangeException(nameof(TokensPerStep), tokens, "TokensPerStep must be positive (or null).");
    }
}
