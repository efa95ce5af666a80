using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// The hypernetwork's input for a vocabulary: each token decomposed by the original tokenizer into at most
/// L original ids, right-padded. Ids at or above the original vocabulary size stand for special tokens
/// that the original has not got, and take learned fallback embeddings.
/// </summary>
/// <param name="Ids">Original ids, <c>[V, L]</c> int64; 0 in padding.</param>
/// <param name="Real">True where a piece is real, <c>[V, L]</c> bool; every row's first entry is true.</param>
/// <param name="Counts">Pieces per token before truncation to L.</param>
public sealed record TokenPieces(Tensor Ids, Tensor Real, int[] Counts) : IDisposable
{
    /// <summary>Decomposes every token of <paramref name="target"/> with the merges of <paramref name="original"/>.</summary>
    /// <param name="original">The base model's tokenizer.</param>
    /// <param name="target">The new vocabulary's tokens, as bytes; empty bytes mean begin-of-text.</param>
    /// <param name="maxPieces">L, the most pieces kept (the reference's <c>hn_surface_maxlen</c>).</param>
    public static TokenPieces Decompose(BpeVocabulary original, IReadOnlyList<byte[]> target, int maxPieces)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPieces, 1);
        var ids = new long[target.Count * maxPieces];
        var real = new bool[target.Count * maxPieces];
        var counts = new int[target.Count];
        for (var t = 0; t < target.Count; t++)
        {
            var pieces = target[t].Length == 0 ? new[] { original.BosId } : original.EncodePiece(target[t]);
            counts[t] = pieces.Length;
            for (var i = 0; i < Math.Min(pieces.Length, maxPieces); i++)
            {
                ids[t * maxPieces + i] = pieces[i];
                real[t * maxPieces + i] = true;
            }
        }
        return new TokenPieces(
            tensor(ids).view(target.Count, maxPieces),
            tensor(real).view(target.Count, maxPieces),
            counts);
    }

    /// <summary>The decomposition of tokens <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1 (views of these tensors).</summary>
    /// <param name="start">First token.</param>
    /// <param name="count">Number of tokens.</param>
    public TokenPieces Rows(int start, int count) =>
        new(Ids.narrow(0, start, count), Real.narrow(0, start, count), Counts.AsSpan(start, count).ToArray());

    /// <summary>Number of tokens decomposed.</summary>
    public long Count => Ids.shape[0];

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Ids.Dispose();
        Real.Dispose();
    }
}
