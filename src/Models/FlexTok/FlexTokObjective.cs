using System;
using Torchwright.Runtime.Flow;
using static TorchSharp.torch;

namespace Torchwright.Models.FlexTok;

/// <summary>
/// How <see cref="FlexTokModel.Loss"/> trains: the nested-dropout distribution, the null-condition rate for
/// classifier-free guidance, and ReTok's hierarchical semantic regularisation.
/// </summary>
public sealed record FlexTokObjectiveOptions
{
    /// <summary>
    /// How many registers each image keeps. Default uniform over 1..N rounded up to a power of two, one of the
    /// reference's modes: all N registers are kept for half of the images, which the tiny tokenizer needs to learn to
    /// use its later tokens (the released models are recalled to use plain powers of two; see docs/models/flextok.md).
    /// </summary>
    public KeepSampling KeepSampling { get; init; } = KeepSampling.UniformPowerOfTwo;

    /// <summary>
    /// Mean of the normal behind the logit-normal flow times, <c>t = sigmoid(n)</c>, n ~ N(mean, 1). The reference
    /// uses 0. Default 1.5, which draws times nearer the noise: on tiny pixel latents a noised image still shows most
    /// of itself in the middle of the path, so at mean 0 the decoder rarely has to read the registers, and the
    /// tokens after the first never learn to carry the image (see docs/models/flextok.md).
    /// </summary>
    public double TimeMean { get; init; } = 1.5;

    /// <summary>Probability of replacing an image's whole register sequence by the null condition. Default 0 (no CFG).</summary>
    public double NullConditionRate { get; init; }

    /// <summary>λ of the semantic alignment loss; 0 turns it off. Default 0.</summary>
    public double SemanticWeight { get; init; }

    /// <summary>Seed of the frozen random-feature teacher. Default 97.</summary>
    public long TeacherSeed { get; init; } = 97;

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (!double.IsFinite(TimeMean))
            throw new ArgumentOutOfRangeException(nameof(TimeMean), TimeMean, "The mean of the logit-normal times must be finite.");
        if (NullConditionRate is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(NullConditionRate), NullConditionRate, "The null-condition rate must be in [0, 1).");
        if (SemanticWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(SemanticWeight), SemanticWeight, "The semantic weight must not be negative.");
    }
}

/// <summary>The parts of one training loss.</summary>
/// <param name="Total">What is back-propagated.</param>
/// <param name="Flow">The rectified-flow velocity MSE.</param>
/// <param name="Semantic">The weighted alignment term (before λ), or null when it is off.</param>
public sealed record FlexTokLoss(Tensor Total, Tensor Flow, Tensor? Semantic);

/// <summary>The training objective of <see cref="FlexTokModel"/>: options plus the frozen teacher they need.</summary>
public sealed class FlexTokObjective : IDisposable
{
    /// <summary>Creates the objective for a model configuration.</summary>
    /// <param name="config">The model's sizes.</param>
    /// <param name="options">How to train.</param>
    public FlexTokObjective(FlexTokConfig config, FlexTokObjectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Teacher = options.SemanticWeight > 0 ? new RandomFeatureTeacher(config.PatchDim, config.TeacherDim, options.TeacherSeed) : null;
    }

    /// <summary>How to train.</summary>
    public FlexTokObjectiveOptions Options { get; }

    /// <summary>The frozen teacher, or null without semantic regularisation.</summary>
    public RandomFeatureTeacher? Teacher { get; }

    /// <summary>
    /// ReTok's hierarchical weight of an image that keeps k of N tokens: <c>w(k) = 1 − (k − 1)/N</c>, 1 for a single
    /// token and decreasing to 1/N for all of them, so the early tokens carry the semantic content.
    /// </summary>
    /// <param name="keep">Tokens kept per image, <c>[B]</c>.</param>
    /// <param name="count">N.</param>
    public static Tensor HierarchicalWeights(Tensor keep, long count)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "The token count must be positive.");
        using var kept = keep.to(ScalarType.Float32);
        return kept.sub(1).div_(count).neg_().add_(1);
    }

    /// <inheritdoc/>
    public void Dispose() => Teacher?.Dispose();
}
