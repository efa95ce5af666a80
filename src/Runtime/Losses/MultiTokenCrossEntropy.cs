using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Losses;

/// <summary>
/// Cross-entropy over several tokens ahead, weighted per offset and with missing targets left out:
/// <c>L = Σ w_k·CE_k over present targets / Σ w_k over present targets</c>. With weights <c>γ^(k-1)</c>
/// (see <see cref="DecayWeights"/>) nearer tokens count more; missing targets (negative ids, e.g.
/// <see cref="MultiTokenTargets.Missing"/> past the end of a sequence) add nothing to either sum.
/// </summary>
public static class MultiTokenCrossEntropy
{
    /// <summary>The weights <c>γ^(k-1)</c> for <c>k = 1..horizon</c>.</summary>
    /// <param name="horizon">Number of offsets N, at least 1.</param>
    /// <param name="gamma">Decay per offset, in <c>(0, 1]</c>; 1 weighs every offset equally.</param>
    public static double[] DecayWeights(int horizon, double gamma)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least 1.");
        if (!(gamma > 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "The decay gamma must be in (0, 1].");
        var weights = new double[horizon];
        for (var k = 0; k < horizon; k++) weights[k] = Math.Pow(gamma, k);
        return weights;
    }

    /// <summary>The weighted mean cross-entropy, a scalar (fp32).</summary>
    /// <param name="logits">Scores <c>[..., N, V]</c>.</param>
    /// <param name="targets">Token ids <c>[..., N]</c> int64; negative ids are missing.</param>
    /// <param name="weights">One weight per offset, N values, non-negative.</param>
    /// <exception cref="ArgumentException">Shapes that do not match, or no present target with positive weight.</exception>
    public static Tensor Loss(Tensor logits, Tensor targets, double[] weights)
    {
        Check(logits, targets);
        ArgumentNullException.ThrowIfNull(weights);
        var horizon = targets.shape[^1];
        if (weights.Length != horizon) throw new ArgumentException($"Expected {horizon} weights, one per offset, got {weights.Length}.", nameof(weights));
        foreach (var w in weights)
        {
            if (!(w >= 0) || double.IsInfinity(w)) throw new ArgumentException($"Weights must be finite and non-negative, got {w}.", nameof(weights));
        }
        using var scope = NewDisposeScope();
        var (perToken, present) = PerToken(logits, targets);
        var weighted = present.to(ScalarType.Float32) * tensor(Array.ConvertAll(weights, w => (float)w), device: logits.device);
        var total = weighted.sum();
        if (total.item<float>() <= 0) throw new ArgumentException("No target is present with a positive weight: the loss is undefined.", nameof(targets));
        return ((perToken * weighted).sum() / total).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The mean cross-entropy at each offset over its present targets, for evaluation: <c>[N]</c> fp32, NaN for an
    /// offset with no present target. Use <see cref="Totals"/> to pool several batches exactly.
    /// </summary>
    /// <param name="logits">Scores <c>[..., N, V]</c>.</param>
    /// <param name="targets">Token ids <c>[..., N]</c> int64; negative ids are missing.</param>
    public static Tensor PerOffset(Tensor logits, Tensor targets)
    {
        var (sums, counts) = Totals(logits, targets);
        using (sums)
        using (counts)
        {
            return sums / counts;
        }
    }

    /// <summary>The summed cross-entropy and the number of present targets at each offset, both <c>[N]</c> (fp32 and int64), without gradients.</summary>
    /// <param name="logits">Scores <c>[..., N, V]</c>.</param>
    /// <param name="targets">Token ids <c>[..., N]</c> int64; negative ids are missing.</param>
    public static (Tensor Sums, Tensor Counts) Totals(Tensor logits, Tensor targets)
    {
        Check(logits, targets);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (perToken, present) = PerToken(logits, targets);
        var horizon = targets.shape[^1];
        var sums = perToken.reshape(-1, horizon).sum(new long[] { 0 });
        var counts = present.reshape(-1, horizon).sum(new long[] { 0 }, type: ScalarType.Int64);
        return (sums.MoveToOuterDisposeScope(), counts.MoveToOuterDisposeScope());
    }

    // Cross-entropy of every target in fp32, zero where the target is missing, and the presence mask.
    private static (Tensor PerToken, Tensor Present) PerToken(Tensor logits, Tensor targets)
    {
        var vocabulary = logits.shape[^1];
        var present = targets.ge(0);
        var safeTargets = targets.clamp_min(0);
        var flat = logits.reshape(-1, vocabulary).to(ScalarType.Float32);
        var perToken = nn.functional.cross_entropy(flat, safeTargets.reshape(-1), reduction: nn.Reduction.None).view(targets.shape);
        return (perToken * present, present);
    }

    private static void Check(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.dtype != ScalarType.Int64) throw new ArgumentException($"Targets must be int64 token ids, got {targets.dtype}.", nameof(targets));
        if (logits.dim() != targets.dim() + 1 || targets.dim() < 1 || !Prefix(logits.shape, targets.shape))
            throw new ArgumentException($"Logits [..., N, V] must extend the targets' shape [..., N] by the vocabulary; got logits [{string.Join(",", logits.shape)}] and targets [{string.Join(",", targets.shape)}].", nameof(logits));
    }

    private static bool Prefix(long[] longer, long[] shorter)
    {
        for (var i = 0; i < shorter.Length; i++)
        {
            if (longer[i] != shorter[i]) return false;
        }
        return true;
    }
}
