using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Losses;

/// <summary>
/// Representation alignment (REPA-style): the negative cosine similarity between a model's projected features and a
/// frozen teacher's features, averaged over positions, then weighted per sample.
/// </summary>
public static class WeightedCosineAlignment
{
    /// <summary><c>Σ_b w_b · mean_t(−cos(f_bt, g_bt)) / B</c>.</summary>
    /// <param name="features">Projected features, <c>[B, T, D]</c>.</param>
    /// <param name="targets">Teacher features, <c>[B, T, D]</c> (gradients are not taken through them).</param>
    /// <param name="weights">Per-sample weights, <c>[B]</c>.</param>
    public static Tensor Loss(Tensor features, Tensor targets, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(weights);
        if (features.dim() != 3 || !features.shape.AsSpan().SequenceEqual(targets.shape))
            throw new ArgumentException($"Expected features and targets of the same shape [B, T, D], but got [{string.Join(",", features.shape)}] and [{string.Join(",", targets.shape)}].", nameof(targets));
        if (weights.dim() != 1 || weights.shape[0] != features.shape[0])
            throw new ArgumentException($"Expected one weight per sample, [{features.shape[0]}], but 'weights' has shape [{string.Join(",", weights.shape)}].", nameof(weights));
        using var scope = NewDisposeScope();
        var cosine = nn.functional.cosine_similarity(features, targets.detach(), 2, 1e-8); // [B, T]
        var perSample = -cosine.mean(new long[] { 1 });
        return (perSample * weights.to(perSample.dtype)).mean().MoveToOuterDisposeScope();
    }
}
