using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace Torchwright.Models.Zett;

/// <summary>
/// Dynamic tokenization of one batch: starting from the original tokenizer's tokens, m times count every
/// adjacent pair inside a pretoken across all sequences of the batch, and merge the most frequent pair that
/// <see cref="MergeRules"/> allows, everywhere (ties go to the pair seen first). Tokens are kept per pretoken, and a
/// merge replaces two adjacent tokens of one pretoken by their concatenation, so a merge can never join two
/// pretokens; every merge re-checks that the merged token is one pretoken and throws otherwise.
/// With noise (how the hypernetwork's training draws tokenizers from a batch) the pair is chosen by its log
/// count plus scaled Gumbel noise: scale 0 is the most frequent pair, scale 1 draws a pair in proportion to
/// its count. Tokens are counted as integer ids, so a merge costs one pass over the batch.
/// </summary>
public sealed class DynamicMerges
{
    private readonly List<byte[]> bytesOf = new(); // token id → bytes
    private readonly Dictionary<byte[], int> idOf = new(ByteTokens.Comparer);
    private readonly Dictionary<long, bool> allowed = new(); // pair → MergeRules' verdict
    private readonly List<List<List<int>>> sequences; // sequence → pretoken → token ids
    private readonly List<int>[] pretokens; // the same lists, all sequences in a row
    private readonly List<byte[]> merges = new();
    private readonly List<long> tokenCounts = new();

    /// <summary>Tokenizes the batch with the original tokenizer, ready to merge.</summary>
    /// <param name="original">The original tokenizer.</param>
    /// <param name="texts">The batch.</param>
    public DynamicMerges(BpeVocabulary original, IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(texts);
        sequences = texts.Select(text => original.EncodePretokens(text).Select(ids => ids.Select(id => Intern(original.Bytes(id))).ToList()).ToList()).ToList();
        pretokens = sequences.SelectMany(s => s).ToArray();
        TokenCount = pretokens.Sum(p => (long)p.Count);
        tokenCounts.Add(TokenCount);
    }

    /// <summary>Tokens in the batch now.</summary>
    public long TokenCount { get; private set; }

    /// <summary>Token count after 0, 1, … merges.</summary>
    public IReadOnlyList<long> TokenCounts => tokenCounts;

    /// <summary>The merged tokens, in the order they were made.</summary>
    public IReadOnlyList<byte[]> Merges => merges;

    /// <summary>The batch's tokens, per sequence, in order.</summary>
    public List<List<byte[]>> Sequences() => sequences.Select(s => s.SelectMany(p => p).Select(id => bytesOf[id]).ToList()).ToList();

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
            if (BestAllowedPair(random, noise) is not { } best)
            {
                return done;
            }
            MergeEverywhere(best);
            tokenCounts.Add(TokenCount);
        }
        return count;
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;

    private int Intern(byte[] token)
    {
        if (!idOf.TryGetValue(token, out var id))
        {
            id = bytesOf.Count;
            bytesOf.Add(token);
            idOf.Add(token, id);
        }
        return id;
    }

    private long? BestAllowedPair(Random? random, double noise)
    {
        var slots = new Dictionary<long, int>(); // pair → its place in order
        var order = new List<long>(); // first appearance, which breaks ties
        var counts = new List<int>();
        foreach (var pretoken in pretokens)
        {
            for (var i = 0; i + 1 < pretoken.Count; i++)
            {
                var pair = Pair(pretoken[i], pretoken[i + 1]);
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(slots, pair, out var exists);
                if (!exists)
                {
                    slot = order.Count;
                    order.Add(pair);
                    counts.Add(0);
                }
                counts[slot]++;
            }
        }
        long? best = null;
        var bestScore = double.NegativeInfinity;
        for (var k = 0; k < order.Count; k++)
        {
            var pair = order[k];
            // Every pair draws its noise, allowed or not, so a draw does not depend on which pairs the rules refuse.
            var score = noise == 0 ? counts[k] : Math.Log(counts[k]) + noise * Gumbel(random!);
            if (score > bestScore && IsAllowed(pair))
            {
                (best, bestScore) = (pair, score);
            }
        }
        return best;
    }

    private bool IsAllowed(long pair)
    {
        if (!allowed.TryGetValue(pair, out var verdict))
        {
            verdict = MergeRules.IsAllowed(bytesOf[(int)(pair >> 32)], bytesOf[(int)(uint)pair]);
            allowed.Add(pair, verdict);
        }
        return verdict;
    }

    private static double Gumbel(Random random) => -Math.Log(-Math.Log(Math.Clamp(random.NextDouble(), 1e-12, 1 - 1e-12)));

    private void MergeEverywhere(long pair)
    {
        int left = (int)(pair >> 32), right = (int)(uint)pair;
        var mergedBytes = ByteTokens.Concat(bytesOf[left], bytesOf[right]);
        if (!Gpt2Pretokenizer.IsSinglePretoken(mergedBytes))
        {
            throw new InvalidOperationException($"merging '{ByteTokens.Printable(mergedBytes)}' would join two pretokens");
        }
        var merged = Intern(mergedBytes);
        merges.Add(mergedBytes);
        foreach (var pretoken in pretokens)
        {
            for (var i = 0; i + 1 < pretoken.Count; i++)
            {
                if (pretoken[i] == left && pretoken[i + 1] == right)
                {
                    pretoken[i] = merged;
                    pretoken.RemoveAt(i + 1);
                    TokenCount--;
                }
            }
        }
    }
}
