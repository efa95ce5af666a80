using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Models.Zett;

/// <summary>
/// The distribution of tokenizers the hypernetwork trains on, a BPE-based stand-in for the reference's noisy
/// UnigramLM vocabularies built from each batch's own text. A draw starts from a random prefix of the original
/// tokenizer's merges (between half and all of them) and then makes up to <see cref="MaxBatchMerges"/> merges of
/// adjacent pairs counted in the batch itself (<see cref="DynamicMerges"/>, so within pretokens and under the
/// reference's whitespace rules), each chosen with Gumbel noise of a scale drawn per batch between 0 (the most
/// frequent pair) and 1 (a pair in proportion to its count). Draws thus range from finer than the original to
/// well coarser. No rank beyond the original's is ever used, so the held-out tokenizer (<see cref="HeldOut"/>:
/// GPT-2 with twice the original merges) is never drawn.
/// </summary>
public sealed class TokenizerSampler
{
    private readonly IReadOnlyList<byte[]> byRank;

    /// <summary>Creates the sampler.</summary>
    /// <param name="byRank">The rank table the original tokenizer is a prefix of.</param>
    /// <param name="originalRanks">Ranks in the original tokenizer (256 bytes plus its merges).</param>
    /// <param name="maxBatchMerges">The most merges a draw makes on its batch.</param>
    public TokenizerSampler(IReadOnlyList<byte[]> byRank, int originalRanks, int maxBatchMerges)
    {
        ArgumentNullException.ThrowIfNull(byRank);
        if (originalRanks <= 256 || 256 + 2 * (originalRanks - 256) > byRank.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(originalRanks), $"need 256 < originalRanks ({originalRanks}) and twice its merges within the table of {byRank.Count}");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(maxBatchMerges);
        this.byRank = byRank;
        OriginalRanks = originalRanks;
        MaxBatchMerges = maxBatchMerges;
    }

    /// <summary>Ranks in the original tokenizer.</summary>
    public int OriginalRanks { get; }

    /// <summary>The most merges a draw makes on its batch.</summary>
    public int MaxBatchMerges { get; }

    /// <summary>The original tokenizer.</summary>
    public BpeVocabulary Original() => BpeVocabulary.FromRanks(byRank, Enumerable.Range(0, OriginalRanks));

    /// <summary>The held-out tokenizer: the first 2·(original merges) merges of the rank table.</summary>
    public BpeVocabulary HeldOut() => BpeVocabulary.FromRanks(byRank, Enumerable.Range(0, 256 + 2 * (OriginalRanks - 256)));

    /// <summary>Draws a tokenizer for <paramref name="texts"/> and tokenizes them with it.</summary>
    /// <param name="texts">The batch the tokenizer is built from.</param>
    /// <param name="random">Source of the draw.</param>
    public MergedTokenization Sample(IReadOnlyList<string> texts, Random random)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(random);
        var merges = OriginalRanks - 256;
        var start = BpeVocabulary.FromRanks(byRank, Enumerable.Range(0, 256 + merges / 2 + random.Next(merges / 2 + 1)));
        var merger = new DynamicMerges(start, texts);
        merger.Apply(random.Next(MaxBatchMerges + 1), random, random.NextDouble());
        return MergedTokenization.From(start, merger);
    }
}
