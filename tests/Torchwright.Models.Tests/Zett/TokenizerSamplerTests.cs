using System;
using System.Linq;
using System.Text;
using Torchwright.Models.Zett;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Models.Tests.Zett;

/// <summary>The tokenizer distribution: vocabularies built from each batch's own text.</summary>
public class TokenizerSamplerTests(ITestOutputHelper output)
{
    private static readonly ZettCorpus Corpus = ZettCorpus.Create(new ZettSettings());

    [Fact]
    public void Draws_range_from_finer_to_coarser_than_the_original_and_keep_every_byte()
    {
        var batch = Corpus.EvaluationChunks(16);
        var original = Corpus.Sampler.Original();
        var originalTokens = batch.Sum(text => original.Encode(text).Count);
        var random = new Random(11);
        var ratios = Enumerable.Range(0, 40).Select(_ =>
        {
            var draw = Corpus.Sampler.Sample(batch, random);
            for (var s = 0; s < batch.Count; s++)
            {
                Assert.Equal(Encoding.UTF8.GetBytes(batch[s]), draw.Sequences[s].SelectMany(id => draw.Tokens[id]).ToArray());
            }
            foreach (var token in draw.Added)
            {
                Assert.True(Gpt2Pretokenizer.IsSinglePretoken(token), $"'{ByteTokens.Printable(token)}' spans pretokens");
            }
            return draw.Sequences.Sum(s => s.Count) / (double)originalTokens;
        }).ToList();
        output.WriteLine($"tokens relative to the original: min {ratios.Min():F3}, median {ratios.Order().ElementAt(20):F3}, max {ratios.Max():F3}");
        Assert.True(ratios.Max() > 1.02, "some draws are finer than the original");
        Assert.True(ratios.Min() < 0.85, "some draws are at least 15% coarser than the original");
    }

    [Fact]
    public void The_same_seed_draws_the_same_tokenizer()
    {
        var batch = Corpus.EvaluationChunks(8);
        var first = Corpus.Sampler.Sample(batch, new Random(3));
        var second = Corpus.Sampler.Sample(batch, new Random(3));
        Assert.Equal(first.Tokens, second.Tokens, ByteTokens.Comparer);
        Assert.Equal(first.Sequences.SelectMany(s => s), second.Sequences.SelectMany(s => s));
    }

    [Fact]
    public void Without_noise_the_merges_are_the_most_frequent_pairs()
    {
        var batch = Corpus.EvaluationChunks(16);
        var original = Corpus.Sampler.Original();
        var plain = new DynamicMerges(original, batch);
        plain.Apply(30);
        var noiseless = new DynamicMerges(original, batch);
        noiseless.Apply(30, new Random(1), 0);
        var noisy = new DynamicMerges(original, batch);
        noisy.Apply(30, new Random(1), 1);
        Assert.Equal(plain.Merges, noiseless.Merges, ByteTokens.Comparer);
        Assert.NotEqual(plain.Merges, noisy.Merges, ByteTokens.Comparer);
    }
}
