using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Models.Zett;

/// <summary>
/// A byte-level BPE tokenizer given by a set of tokens with merge ranks, in the manner of tiktoken: within
/// each GPT-2 pretoken, the adjacent pair whose concatenation has the lowest rank is merged until no
/// concatenation is a token. Any subset of a rank table that holds the 256 single bytes is a valid
/// tokenizer, which is how sampled and held-out tokenizers are made. Ids run in rank order; the last id is
/// the begin-of-text special token, which has no bytes.
/// </summary>
public sealed class BpeVocabulary
{
    private readonly byte[][] tokens;
    private readonly int[] ranks;
    private readonly Dictionary<byte[], int> idOf = new(ByteTokens.Comparer);
    private readonly Dictionary<byte[], int[]> pretokenCache = new(ByteTokens.Comparer);

    private BpeVocabulary(byte[][] tokens, int[] ranks)
    {
        this.tokens = tokens;
        this.ranks = ranks;
        for (var id = 0; id < tokens.Length; id++)
        {
            idOf[tokens[id]] = id;
        }
    }

    /// <summary>Builds the tokenizer made of the given ranks of a rank table, plus a begin-of-text token.</summary>
    /// <param name="byRank">Token bytes by rank (for GPT-2, <see cref="TiktokenRanks.Gpt2"/>).</param>
    /// <param name="selectedRanks">Ranks to keep; the ranks of all 256 single bytes are added when missing.</param>
    public static BpeVocabulary FromRanks(IReadOnlyList<byte[]> byRank, IEnumerable<int> selectedRanks)
    {
        ArgumentNullException.ThrowIfNull(byRank);
        ArgumentNullException.ThrowIfNull(selectedRanks);
        var chosen = new SortedSet<int>(selectedRanks);
        for (var rank = 0; rank < byRank.Count; rank++)
        {
            if (byRank[rank].Length == 1)
            {
                chosen.Add(rank);
            }
        }
        foreach (var rank in chosen)
        {
            if (rank < 0 || rank >= byRank.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(selectedRanks), $"rank {rank} is outside the table of {byRank.Count} tokens");
            }
        }
        var ordered = chosen.ToArray();
        var bytes = ordered.Select(r => byRank[r]).Append(Array.Empty<byte>()).ToArray();
        var rankList = ordered.Append(int.MaxValue).ToArray();
        return new BpeVocabulary(bytes, rankList);
    }

    /// <summary>Number of tokens, the begin-of-text token included.</summary>
    public int Count => tokens.Length;

    /// <summary>Id of the begin-of-text token (the last id).</summary>
    public int BosId => tokens.Length - 1;

    /// <summary>The bytes of token <paramref name="id"/> (empty for begin-of-text).</summary>
    /// <param name="id">A token id.</param>
    public byte[] Bytes(int id) => tokens[id];

    /// <summary>All token byte strings by id.</summary>
    public IReadOnlyList<byte[]> Tokens => tokens;

    /// <summary>The rank-table rank of token <paramref name="id"/>.</summary>
    /// <param name="id">A token id other than begin-of-text.</param>
    public int Rank(int id) => ranks[id];

    /// <summary>The id of a byte string, if it is a token.</summary>
    /// <param name="token">Token bytes.</param>
    /// <param name="id">Its id.</param>
    public bool TryGetId(byte[] token, out int id) => idOf.TryGetValue(token, out id);

    /// <summary>Tokenizes <paramref name="text"/>: one id list per GPT-2 pretoken, in order.</summary>
    /// <param name="text">Any text.</param>
    public List<int[]> EncodePretokens(string text) => Gpt2Pretokenizer.Split(text).Select(EncodePiece).ToList();

    /// <summary>Tokenizes <paramref name="text"/> into one id sequence.</summary>
    /// <param name="text">Any text.</param>
    public List<int> Encode(string text) => EncodePretokens(text).SelectMany(ids => ids).ToList();

    /// <summary>Applies the merges to one piece of bytes, without pre-tokenization (how ZeTT decomposes a new token).</summary>
    /// <param name="piece">The bytes.</param>
    public int[] EncodePiece(byte[] piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (pretokenCache.TryGetValue(piece, out var cached))
        {
            return cached;
        }
        var parts = new List<byte[]>(piece.Length);
        foreach (var b in piece)
        {
            parts.Add(new[] { b });
        }
        while (parts.Count > 1)
        {
            var bestRank = int.MaxValue;
            var bestAt = -1;
            for (var i = 0; i + 1 < parts.Count; i++)
            {
                if (idOf.TryGetValue(ByteTokens.Concat(parts[i], parts[i + 1]), out var id) && ranks[id] < bestRank)
                {
                    bestRank = ranks[id];
                    bestAt = i;
                }
            }
            if (bestAt < 0)
            {
                break;
            }
            parts[bestAt] = ByteTokens.Concat(parts[bestAt], parts[bestAt + 1]);
            parts.RemoveAt(bestAt + 1);
        }
        var ids = parts.Select(p => idOf[p]).ToArray();
        pretokenCache[piece] = ids;
        return ids;
    }
}
