using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Models.Zett;

/// <summary>
/// Dynamic tokenization of one batch: starting from the original tokenizer's tokens, m times count every
/// adjacent pair inside a pretoken across all sequences of the batch, and merge the most frequent pair that
/// <see cref="MergeRules"/> allows, everywhere. Tokens are kept per pretoken, so a merge can never join two
/// pretokens; every merge re-checks that the merged token lies inside one pretoken and throws otherwise.
/// With noise (how the hypernetwork's training draws tokenizers from a batch) the pair is chosen by its log
/// count plus scaled Gumbel noise: scale 0 is the most frequent pair, scale 1 draws a pair in proportion to
/// its count.
/// </summary>
public sealed class DynamicMerges
{
    private readonly List<List<List<byte[]>>> sequences; // sequence → pretoken → tokens
    private readonly List<byte[]> merges = new();
    private readonly List<long> tokenCounts = new();

    /// <summary>Tokenizes the batch with the original tokenizer, ready to merge.</summary>
    /// <param name="original">The original tokenizer.</param>
    /// <param name="texts">The batch.</param>
    public DynamicMerges(BpeVocabulary original, IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(texts);
        sequences = texts.Select(text => original.EncodePretokens(text).Select(ids => ids.Select(original.Bytes).ToList()).ToList()).ToList();
        tokenCounts.Add(TokenCount);
    }

    /// <summary>Tokens in the batch now.</summary>
    public long TokenCount => sequences.Sum(s => s.Sum(p => (long)p.Count));

    /// <summary>Token count after 0, 1, … merges.</summary>
    public IReadOnlyList<long> TokenCounts => tokenCounts;

    /// <summary>The merged tokens, in the order they were made.</summary>
    public IReadOnlyList<byte[]> Merges => merges;

    /// <summary>The batch's tokens, per sequence, in order.</summary>
    public List<List<byte[]>> Sequences() => sequences.Select(s => s.SelectMany(p => p).ToList()).ToList();

    /// <summary>Applies up to <paramref name="count"/> more merges; returns how many were possible.</summary>
    /// <param name="count">m.</param>
    public int Apply(int count) => Apply(count, null, 0);

    /// <summary>Applies up to <paramref name="count"/> more merges, each chosen with noise; returns how many were possible.</summary>
    /// <param name="count">m.</param>
    /// <param name="random">Source of the noise (unused when <paramref name="noise"/> is 0).</param>
    /// <param name="noise">Scale of the Gumbel noise added to each pair's log count, at least 0.</param>
    public int Apply(int count, Random? random, double noise)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        if (noise > 0)
        {
            ArgumentNullException.ThrowIfNull(random);
        }
        for (var done = 0; done < count; done++)
        {
            var best = BestAllowedPair(random, noise);
            if (best is null)
            {
                return done;
            }
            MergeEverywhere(best.Value.Left, best.Value.Right);
            tokenCounts.Add(TokenCount);
        }
        return count;
    }

    private (byte[] Left, byte[] Right)? BestAllowedPair(Random? random, double noise)
    {
        var counts = new Dictionary<(byte[], byte[]), int>(PairComparer.Instance);
        var order = new List<(byte[], byte[])>();
        foreach (var pretoken in sequences.SelectMany(s => s))
        {
            for (var i = 0; i + 1 < pretoken.Count; i++)
            {
                var pair = (pretoken[i], pretoken[i + 1]);
                if (counts.TryGetValue(pair, out var seen))
                {
                    counts[pair] = seen + 1;
                }
                else
                {
                    counts[pair] = 1;
                    order.Add(pair);
                }
            }
        }
        // Best first; ties go to the pair seen first, so the result does not depend on hashing.
        var ranked = noise == 0
            ? order.OrderByDescending(p => (double)counts[p])
            : order.OrderByDescending(p => Math.Log(counts[p]) + noise * Gumbel(random!));
        foreach (var pair in ranked)
        {
            if (MergeRules.IsAllowed(pair.Item1, pair.Item2))
            {
                return pair;
            }
        }
        return null;
    }

    private static double Gumbel(Random random) => -Math.Log(-Math.Log(Math.Clamp(random.NextDouble(), 1e-12, 1 - 1e-12)));

    private void MergeEverywhere(byte[] left, byte[] right)
    {
        var merged = ByteTokens.Concat(left, right);
        merges.Add(merged);
        foreach (var pretoken in sequences.SelectMany(s => s))
        {
            var before = pretoken.SelectMany(t => t).ToArray();
            for (var i = 0; i + 1 < pretoken.Count; i++)
            {
                if (ByteTokens.Comparer.Equals(pretoken[i], left) && ByteTokens.Comparer.Equals(pretoken[i + 1], right))
                {
                    pretoken[i] = merged;
                    pretoken.RemoveAt(i + 1);
                }
            }
            if (!before.AsSpan().SequenceEqual(pretoken.SelectMany(t => t).ToArray()))
            {
                throw new InvalidOperationException($"merging '{ByteTokens.Printable(merged)}' changed the bytes of a pretoken");
            }
        }
    }

    private sealed class PairComparer : IEqualityComparer<(byte[], byte[])>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((byte[], byte[]) x, (byte[], byte[]) y) =>
            ByteTokens.Comparer.Equals(x.Item1, y.Item1) && ByteTokens.Comparer.Equals(x.Item2, y.Item2);

        public int GetHashCode((byte[], byte[]) obj) =>
            HashCode.Combine(ByteTokens.Comparer.GetHashCode(obj.Item1), ByteTokens.Comparer.GetHashCode(obj.Item2));
    }
}
