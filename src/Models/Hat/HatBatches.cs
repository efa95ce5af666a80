using System;
using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>
/// Random windows of a byte corpus for training HAT: each window of T bytes is split into words on its own (as the
/// model sees it), and its targets are the following bytes.
/// </summary>
public sealed class HatBatches
{
    private readonly byte[] corpus;

    /// <summary>Wraps <paramref name="corpus"/>, which must be longer than one window.</summary>
    /// <param name="corpus">The bytes to sample from.</param>
    /// <param name="length">Window length T.</param>
    /// <param name="maxWordBytes">The splitter's byte limit per word.</param>
    public HatBatches(byte[] corpus, int length, int maxWordBytes)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        if (length <= 0 || corpus.Length <= length + 1)
        {
            throw new ArgumentException($"The corpus has {corpus.Length} bytes; windows of {length} need more than {length + 1}.", nameof(corpus));
        }
        this.corpus = corpus;
        Length = length;
        MaxWordBytes = maxWordBytes;
    }

    /// <summary>Window length T.</summary>
    public int Length { get; }

    /// <summary>The splitter's byte limit per word.</summary>
    public int MaxWordBytes { get; }

    /// <summary>A batch of <paramref name="batchSize"/> windows at random offsets: the model's inputs and the next-byte targets <c>[B, T]</c>.</summary>
    /// <param name="batchSize">Number of windows B.</param>
    /// <param name="random">Chooses the offsets.</param>
    public (HatInputs Inputs, Tensor Targets) Sample(int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var offsets = new int[batchSize];
        for (int row = 0; row < batchSize; row++)
        {
            offsets[row] = random.Next(corpus.Length - Length - 1);
        }
        return At(offsets);
    }

    /// <summary>The windows starting at <paramref name="offsets"/>.</summary>
    /// <param name="offsets">Start of each window.</param>
    public (HatInputs Inputs, Tensor Targets) At(int[] offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var rows = new byte[offsets.Length][];
        var targets = new long[offsets.Length * Length];
        for (int row = 0; row < offsets.Length; row++)
        {
            int start = offsets[row];
            if (start < 0 || start + Length + 1 > corpus.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), start, $"A window of {Length} bytes plus its target must fit in the {corpus.Length}-byte corpus.");
            }
            rows[row] = corpus.AsSpan(start, Length).ToArray();
            for (int i = 0; i < Length; i++)
            {
                targets[row * Length + i] = corpus[start + i + 1];
            }
        }
        return (HatInputs.FromRows(rows, MaxWordBytes), tensor(targets, new long[] { offsets.Length, Length }));
    }
}
