using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Models.Zett;

/// <summary>
/// The distribution of tokenizers the hypernetwork trains on, a BPE-based stand-in for the reference's noisy
/// UnigramLM vocabularies: a random prefix of the rank table (between half and all of the original
/// tokenizer's merges) plus a random number of extra merges drawn from later ranks. Only even ranks beyond
/// the original are ever drawn, so the held-out tokenizer (<see cref="HeldOut"/>: twice the original merges)
/// holds tokens no training step has seen, and is itself never sampled.
/// </summary>
public sealed class TokenizerSampler
{
    private readonly IReadOnlyList<byte[]> byRank;
    private readonly int[] pool;

    /// <summary>Creates the sampler.</summary>
    /// <param name="byRank">The rank table the original tokenizer is a prefix of.</param>
    /// <param name="originalRanks">Ranks in the original tokenizer (256 bytes plus its merges).</param>
    /// <param name="poolEnd">Extra merges are drawn from ranks below this.</param>
    public TokenizerSampler(IReadOnlyList<byte[]> byRank, int originalRanks, int poolEnd)
    {
        ArgumentNullException.ThrowIfNull(byRank);
        if (originalRanks <= 256 || poolEnd <= originalRanks || poolEnd > byRank.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(poolEnd), $"need 256 < originalRanks ({originalRanks}) < poolEnd ({poolEnd}) <= {byRank.Count}");
        }
        this.byRank = byRank;
        OriginalRanks = originalRanks;
        pool = Enumerable.Range(originalRanks, poolEnd - originalRanks).Where(IsSampleable).ToArray();
    }

    /// <summary>Ranks in the original tokenizer.</summary>
    public int OriginalRanks { get; }

    /// <summary>Whether a rank beyond the original can appear in a sampled tokenizer.</summary>
    /// <param name="rank">A rank.</param>
    public static bool IsSampleable(int rank) => rank % 2 == 0;

    /// <summary>The original tokenizer.</summary>
    public BpeVocabulary Original() => BpeVocabulary.FromRanks(byRank, Enumerable.Range(0, OriginalRanks));

    /// <summary>The held-out tokenizer: the first 2·(original merges) merges, odd ranks included.</summary>
    public BpeVocabulary HeldOut() => BpeVocabulary.FromRanks(byRank, Enumerable.Range(0, 256 + 2 * (OriginalRanks - 256)));

    /// <summary>Draws one tokenizer.</summary>
    /// <param name="random">Source of the draw.</param>
    public BpeVocabulary Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var merges = OriginalRanks - 256;
        var prefix = 256 + merges / 2 + random.Next(merges / 2 + 1);
        var extras = random.Next(merges + 1);
        var chosen = new HashSet<int>(Enumerable.Range(0, prefix));
        for (var i = 0; i < extras; i++)
        {
            chosen.Add(pool[random.Next(pool.Length)]);
        }
        return BpeVocabulary.FromRanks(byRank, chosen);
    }
}
