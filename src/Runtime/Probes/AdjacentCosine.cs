using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Probes;

/// <summary>
/// How smoothly a sequence of vectors varies: the cosine similarity of each vector with the next one,
/// <c>cos(h_t, h_{t+1})</c>, along the sequence axis.
/// </summary>
public static class AdjacentCosine
{
    /// <summary>The similarity of every adjacent pair: <c>[B, T, D] → [B, T−1]</c> (fp32), without gradients.</summary>
    /// <param name="vectors">Vectors along a sequence, <c>[B, T, D]</c>, T at least 2.</param>
    public static Tensor PerStep(Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.dim() != 3 || vectors.shape[1] < 2)
            throw new ArgumentException($"Vectors must be [B, T, D] with T ≥ 2, got [{string.Join(",", vectors.shape)}].", nameof(vectors));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var length = vectors.shape[1];
        var x = vectors.to(ScalarType.Float32);
        var similarity = nn.functional.cosine_similarity(x.narrow(1, 0, length - 1), x.narrow(1, 1, length - 1), dim: 2, eps: 1e-8);
        return similarity.MoveToOuterDisposeScope();
    }

    /// <summary>The mean similarity over every adjacent pair of every sequence.</summary>
    /// <param name="vectors">Vectors along a sequence, <c>[B, T, D]</c>, T at least 2.</param>
    public static double Mean(Tensor vectors)
    {
        using var steps = PerStep(vectors);
        using var mean = steps.mean();
        return mean.item<float>();
    }
}
