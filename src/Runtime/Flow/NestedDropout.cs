using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Flow;

/// <summary>How <see cref="NestedDropout"/> draws the number of tokens kept.</summary>
public enum KeepSampling
{
    /// <summary>Uniform over 1..N.</summary>
    Uniform,
    /// <summary>Uniform over the powers of two 1, 2, 4, … up to N (N itself included when it is not one).</summary>
    PowersOfTwo,
    /// <summary>Uniform over 1..N, then rounded up to the next power of two (capped at N).</summary>
    UniformPowerOfTwo,
}

/// <summary>
/// Nested dropout of an ordered token sequence: per sample keep the first k tokens and overwrite the rest with a
/// mask token, so the sequence length stays fixed and every prefix learns to stand on its own.
/// </summary>
public static class NestedDropout
{
    /// <summary>Draws how many tokens each sample keeps.</summary>
    /// <param name="batch">Number of samples.</param>
    /// <param name="count">N, the sequence length.</param>
    /// <param name="mode">The distribution.</param>
    /// <param name="generator">Random source; null uses torch's global one.</param>
    /// <param name="device">Where to create the counts.</param>
    /// <returns>Counts in 1..N, <c>[batch]</c>, int64.</returns>
    public static Tensor SampleKeep(long batch, long count, KeepSampling mode, Generator? generator = null, Device? device = null)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must hold at least one sample.");
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Nested dropout needs at least one token.");
        switch (mode)
        {
            case KeepSampling.Uniform:
                return randint(1, count + 1, new[] { batch }, generator: generator, device: device);
            case KeepSampling.PowersOfTwo:
            {
                var choices = PowersOfTwoUpTo(count);
                using var table = tensor(choices, device: device);
                using var pick = randint(0, choices.Length, new[] { batch }, generator: generator, device: device);
                return table.index_select(0, pick);
            }
            case KeepSampling.UniformPowerOfTwo:
            {
                using var uniform = randint(1, count + 1, new[] { batch }, generator: generator, device: device).to(ScalarType.Float64);
                using var rounded = uniform.log2_().ceil_().exp2_();
                return rounded.clamp_max_(count).to(ScalarType.Int64);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown keep sampling mode.");
        }
    }

    /// <summary>Keeps the first <c>keep[b]</c> tokens of sample b and replaces the others by <paramref name="mask"/>.</summary>
    /// <param name="tokens">Tokens, <c>[B, N, D]</c>.</param>
    /// <param name="keep">Tokens kept per sample, <c>[B]</c>, in 0..N.</param>
    /// <param name="mask">The mask token, <c>[D]</c>.</param>
    public static Tensor Apply(Tensor tokens, Tensor keep, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(mask);
        if (tokens.dim() != 3)
            throw new ArgumentException($"Expected tokens [B, N, D], but got [{string.Join(",", tokens.shape)}].", nameof(tokens));
        if (keep.dim() != 1 || keep.shape[0] != tokens.shape[0])
            throw new ArgumentException($"Expected one keep count per sample, [{tokens.shape[0]}], but 'keep' has shape [{string.Join(",", keep.shape)}].", nameof(keep));
        if (mask.dim() != 1 || mask.shape[0] != tokens.shape[2])
            throw new ArgumentException($"Expected a mask token of width [{tokens.shape[2]}], but 'mask' has shape [{string.Join(",", mask.shape)}].", nameof(mask));
        using var scope = NewDisposeScope();
        var kept = KeptPositions(keep, tokens.shape[1]).unsqueeze(-1);
        return where(kept, tokens, mask.to(tokens.dtype).view(1, 1, -1)).MoveToOuterDisposeScope();
    }

    /// <summary>Which positions are kept: <c>[B, N]</c> bool, true for positions below <c>keep[b]</c>.</summary>
    /// <param name="keep">Tokens kept per sample, <c>[B]</c>.</param>
    /// <param name="count">N.</param>
    public static Tensor KeptPositions(Tensor keep, long count)
    {
        ArgumentNullException.ThrowIfNull(keep);
        using var positions = arange(count, dtype: ScalarType.Int64, device: keep.device);
        return positions.unsqueeze(0).lt(keep.to(ScalarType.Int64).unsqueeze(1));
    }

    /// <summary>1, 2, 4, … below N, and N.</summary>
    /// <param name="count">N.</param>
    public static long[] PowersOfTwoUpTo(long count)
    {
        var values = new System.Collections.Generic.List<long>();
        for (long value = 1; value < count; value *= 2)
        {
            values.Add(value);
        }
        values.Add(count);
        return values.ToArray();
    }
}
