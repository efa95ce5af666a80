using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// Next-token inputs and targets for token sequences that each start with begin-of-text: inputs are the
/// first T tokens, targets the following T, padded with <see cref="Ignore"/>. <see cref="TargetBytes"/> counts
/// the bytes the targets cover, which bits per byte divides by.
/// </summary>
/// <param name="Inputs">Ids, <c>[B, T]</c> int64 (padding repeats begin-of-text, which only later padded targets see).</param>
/// <param name="Targets">Ids, <c>[B, T]</c> int64, <see cref="Ignore"/> where padded.</param>
/// <param name="TargetTokens">Number of real targets.</param>
/// <param name="TargetBytes">Bytes of the real targets.</param>
public sealed record TokenBatch(Tensor Inputs, Tensor Targets, long TargetTokens, long TargetBytes) : IDisposable
{
    /// <summary>The target value cross-entropy skips.</summary>
    public const long Ignore = -100;

    /// <summary>Builds the batch; sequences longer than <paramref name="length"/> + 1 are cut.</summary>
    /// <param name="sequences">Token ids, each starting with begin-of-text.</param>
    /// <param name="length">T, the positions per row.</param>
    /// <param name="byteLength">Bytes of a token id.</param>
    /// <param name="padId">Input id placed in padding.</param>
    public static TokenBatch Build(IReadOnlyList<IReadOnlyList<int>> sequences, int length, Func<int, int> byteLength, int padId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(byteLength);
        var inputs = new long[sequences.Count * length];
        var targets = new long[sequences.Count * length];
        Array.Fill(inputs, padId);
        Array.Fill(targets, Ignore);
        long tokens = 0, bytes = 0;
        for (var row = 0; row < sequences.Count; row++)
        {
            var sequence = sequences[row];
            var used = Math.Min(sequence.Count - 1, length);
            for (var t = 0; t < used; t++)
            {
                inputs[row * length + t] = sequence[t];
                targets[row * length + t] = sequence[t + 1];
                bytes += byteLength(sequence[t + 1]);
            }
            tokens += Math.Max(used, 0);
        }
        return new TokenBatch(tensor(inputs).view(sequences.Count, length), tensor(targets).view(sequences.Count, length), tokens, bytes);
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}
