using System.Linq;
using Microsoft.ML.Tokenizers;
using Torchwright.Models.Zett;
using Xunit;

namespace Torchwright.Models.Tests.Zett;

/// <summary>The rank-subset tokenizer and the decomposition the hypernetwork reads.</summary>
public class BpeVocabularyTests
{
    private const string Sample = "The old sailor's 42 lanterns, hidden   under the bridge!\nAnd nobody notices: naïve café.";

    [Fact]
    public void Full_rank_table_tokenizes_exactly_like_gpt2()
    {
        var full = BpeVocabulary.FromRanks(TiktokenRanks.Gpt2(), Enumerable.Range(0, TiktokenRanks.Gpt2().Count));
        var reference = TiktokenTokenizer.CreateForModel("gpt2").EncodeToIds(Sample);
        var ours = full.Encode(Sample).Select(id => full.Rank(id)).ToList();
        Assert.Equal(reference, ours);
    }

    [Fact]
    public void Fewer_merges_give_more_tokens_over_the_same_bytes()
    {
        var ranks = TiktokenRanks.Gpt2();
        var small = BpeVocabulary.FromRanks(ranks, Enumerable.Range(0, 512));
        var large = BpeVocabulary.FromRanks(ranks, Enumerable.Range(0, 1024));
        var smallIds = small.Encode(Sample);
        var largeIds = large.Encode(Sample);
        Assert.True(largeIds.Count < smallIds.Count);
        Assert.Equal(smallIds.SelectMany(small.Bytes), largeIds.SelectMany(large.Bytes));
        Assert.Equal(513, small.Count);
        Assert.Empty(small.Bytes(small.BosId));
    }

    [Fact]
    public void Decomposition_uses_the_original_merges_and_truncates_to_L()
    {
        var ranks = TiktokenRanks.Gpt2();
        var original = BpeVocabulary.FromRanks(ranks, Enumerable.Range(0, 300));
        var target = BpeVocabulary.FromRanks(ranks, Enumerable.Range(0, 2000));
        var tokens = target.Tokens.ToList();
        using var pieces = TokenPieces.Decompose(original, tokens, 3);
        Assert.Equal(new long[] { tokens.Count, 3 }, pieces.Ids.shape);
        for (var t = 0; t < tokens.Count; t++)
        {
            var expected = tokens[t].Length == 0 ? new[] { original.BosId } : original.EncodePiece(tokens[t]);
            Assert.Equal(expected.Length, pieces.Counts[t]);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(i < expected.Length, pieces.Real[t, i].item<bool>());
                if (i < expected.Length)
                {
                    Assert.Equal(expected[i], pieces.Ids[t, i].item<long>());
                }
            }
        }
        Assert.Contains(pieces.Counts, c => c > 3);
    }
}
