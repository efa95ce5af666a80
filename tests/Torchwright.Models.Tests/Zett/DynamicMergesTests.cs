using System.Linq;
using System.Text;
using Torchwright.Models.Zett;
using Torchwright.Runtime.Text;
using Xunit;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Batch-level merges: boundaries, whitespace rules, accounting.</summary>
public class DynamicMergesTests
{
    private static readonly BpeVocabulary Original = BpeVocabulary.FromRanks(TiktokenRanks.Gpt2(), Enumerable.Range(0, 512));

    [Fact]
    public void No_merge_crosses_a_pretoken_and_the_bytes_stay_the_same()
    {
        var texts = TextChunks.Consecutive(SyntheticText.Generate(20_000, 3), 16, 160);
        var merger = new DynamicMerges(Original, texts);
        var applied = merger.Apply(60);
        Assert.Equal(60, applied);
        foreach (var merged in merger.Merges)
        {
            Assert.True(Gpt2Pretokenizer.IsSinglePretoken(merged), $"merge '{ByteTokens.Printable(merged)}' is not one pretoken");
        }
        var sequences = merger.Sequences();
        for (var s = 0; s < texts.Count; s++)
        {
            var pretokens = Gpt2Pretokenizer.Split(texts[s]);
            var boundaries = pretokens.Select(p => p.Length).Aggregate(new System.Collections.Generic.List<int> { 0 }, (acc, n) => { acc.Add(acc[^1] + n); return acc; }).ToHashSet();
            var position = 0;
            foreach (var token in sequences[s])
            {
                // A token starting at a pretoken boundary must end at or before the next one.
                var end = position + token.Length;
                Assert.DoesNotContain(Enumerable.Range(position + 1, token.Length - 1), boundaries.Contains);
                position = end;
            }
            Assert.Equal(Encoding.UTF8.GetBytes(texts[s]), sequences[s].SelectMany(t => t).ToArray());
        }
        Assert.True(merger.TokenCounts.Zip(merger.TokenCounts.Skip(1)).All(p => p.Second < p.First), "every merge shortens the batch");
    }

    [Fact]
    public void Whitespace_rules_follow_the_reference()
    {
        byte[] B(string s) => Encoding.UTF8.GetBytes(s);
        Assert.True(MergeRules.IsAllowed(B(" s"), B("ailor")));
        Assert.False(MergeRules.IsAllowed(B("a"), B(" b")), "space after the first character");
        Assert.True(MergeRules.IsAllowed(B(" "), B(" ")), "all whitespace");
        Assert.False(MergeRules.IsAllowed(B("\n"), B("\n")), "double newline");
        Assert.False(MergeRules.IsAllowed(B("word"), B(",")), "two pretokens");
    }
}
