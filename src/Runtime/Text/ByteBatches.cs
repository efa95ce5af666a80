using System;
using Torchwright.Runtime.Data;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Text;

/// <summary>Random windows of a byte corpus as (input, next-byte target) batches for language modelling.</summary>
public sealed class ByteBatches
{
    private readonly byte[] corpus;

    /// <summary>Wraps <paramref name="corpus"/>; it must be longer than one window.</summary>
    /// <param name="corpus">The bytes to sample from.</param>
    /// <param name="length">Window length T.</param>
    public ByteBatches(byte[] corpus, int length)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        // In long: length + 1 overflows int for int.MaxValue and would pass the check.
        if (corpus.Length <= (long)length + 1)
        {
            throw new ArgumentException($"The corpus has {corpus.Length} bytes; windows of {length} need more than {(long)length + 1}.", nameof(corpus));
        }
        this.corpus = corpus;
        Length = length;
    }

    /// <summary>Window length T.</summary>
    public int Length { get; }

    /// <summary>Number of bytes in the corpus.</summary>
    public int CorpusLength => corpus.Length;

    /// <summary>A batch of <paramref name="batchSize"/> windows starting at random offsets: inputs and targets, both <c>[B, T]</c> int64.</summary>
    /// <param name="batchSize">Number of windows B.</param>
    /// <param name="random">Chooses the offsets.</param>
    public (Tensor Inputs, Tensor Targets) Sample(int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var size = BatchArrays.Size(batchSize, Length);
        var inputs = new long[size];
        var targets = new long[size];
        for (var row = 0; row < batchSize; row++)
        {
            var start = random.Next(corpus.Length - Length - 1);
            for (var i = 0; i < Length; i++)
            {
                inputs[row * Length + i] = corpus[start + i];
                targets[row * Length + i] = corpus[start + i + 1];
            }
        }
        return (tensor(inputs, new long[] { batchSize, Length }), tensor(targets, new long[] { batchSize, Length }));
    }
}
