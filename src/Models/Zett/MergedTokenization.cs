using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Models.Zett;

/// <summary>
/// A batch after <see cref="DynamicMerges"/> as a vocabulary with id sequences: the tokenizer it started from
/// keeps its ids (begin-of-text included), and the merged tokens that occur in the batch follow in order of
/// first appearance.
/// </summary>
/// <param name="Tokens">Token bytes by id.</param>
/// <param name="BaseCount">Tokens of the starting tokenizer; ids from here on are merged tokens.</param>
/// <param name="BosId">Id of begin-of-text.</param>
/// <param name="Sequences">Each text's ids, without begin-of-text.</param>
public sealed record MergedTokenization(IReadOnlyList<byte[]> Tokens, int BaseCount, int BosId, IReadOnlyList<IReadOnlyList<int>> Sequences)
{
    /// <summary>Reads the merged batch.</summary>
    /// <param name="start">The tokenizer the merges started from.</param>
    /// <param name="merger">The batch after its merges.</param>
    public static MergedTokenization From(BpeVocabulary start, DynamicMerges merger)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(merger);
        var tokens = start.Tokens.ToList();
        var idOf = new Dictionary<byte[], int>(ByteTokens.Comparer);
        for (var id = 0; id < tokens.Count; id++)
        {
            idOf.TryAdd(tokens[id], id);
        }
        var sequences = new List<IReadOnlyList<int>>();
        foreach (var sequence in merger.Sequences())
        {
            var ids = new List<int>(sequence.Count);
            foreach (var token in sequence)
            {
                if (!idOf.TryGetValue(token, out var id))
                {
                    id = tokens.Count;
                    tokens.Add(token);
                    idOf.Add(token, id);
                }
                ids.Add(id);
            }
            sequences.Add(ids);
        }
        return new MergedTokenization(tokens, start.Count, start.BosId, sequences);
    }

    /// <summary>The merged tokens that occur in the batch.</summary>
    public IReadOnlyList<byte[]> Added => Tokens.Skip(BaseCount).ToList();

    /// <summary>Next-token inputs and targets, each sequence after begin-of-text, over <paramref name="length"/> positions.</summary>
    /// <param name="length">T.</param>
    public TokenBatch Batch(int length) =>
        TokenBatch.Build(Sequences.Select(s => (IReadOnlyList<int>)s.Prepend(BosId).ToList()).ToList(), length, id => Tokens[id].Length, BosId);

    /// <summary>The longest sequence with begin-of-text, less one: the positions that hold every target.</summary>
    public int LongestTargets => Sequences.Count == 0 ? 0 : Sequences.Max(s => s.Count);
}
