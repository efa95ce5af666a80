using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Losses;

/// <summary>Targets for predicting several tokens ahead from each position of a sequence.</summary>
public static class MultiTokenTargets
{
    /// <summary>The id written where a target lies beyond the end of the sequence.</summary>
    public const long Missing = -1;

    /// <summary>
    /// For a sequence <c>x [B, L]</c>, the tokens that follow each of the first <paramref name="length"/> positions:
    /// <c>result[b, t, k-1] = x[b, t+k]</c> for <c>k = 1..horizon</c>, and <see cref="Missing"/> where <c>t+k ≥ L</c>.
    /// With <c>L = length + 1</c> (a language-modelling window) only the next token of the last position exists;
    /// with <c>L = length + horizon</c> every target exists. Built with one pad and one unfold, no loop.
    /// </summary>
    /// <param name="sequence">Token ids, <c>[B, L]</c> int64.</param>
    /// <param name="length">Number of positions T to build targets for, <c>1 ≤ T &lt; L</c>.</param>
    /// <param name="horizon">Tokens ahead N, at least 1.</param>
    /// <returns><c>[B, T, N]</c> int64.</returns>
    public static Tensor Following(Tensor sequence, long length, long horizon)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.dim() != 2) throw new ArgumentException($"The sequence must be [B, L], got shape [{string.Join(",", sequence.shape)}].", nameof(sequence));
        if (sequence.dtype != ScalarType.Int64) throw new ArgumentException($"The sequence must hold int64 token ids, got {sequence.dtype}.", nameof(sequence));
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least 1.");
        var available = sequence.shape[1];
        if (length < 1 || length >= available)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Targets need 1 ≤ length < L = {available}: position t predicts tokens t+1 onwards.");
        using var scope = NewDisposeScope();
        // Tokens 1..L-1, padded so that every position t < length has a full window t+1..t+horizon.
        var ahead = sequence.narrow(1, 1, Math.Min(available - 1, length + horizon - 1));
        var padding = length + horizon - 1 - ahead.shape[1];
        var padded = padding > 0 ? nn.functional.pad(ahead, new[] { 0L, padding }, value: Missing) : ahead;
        return padded.unfold(1, horizon, 1).contiguous().MoveToOuterDisposeScope();
    }
}
