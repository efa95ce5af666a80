using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Models.Zett;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Token priors: smoothed log frequencies, added to the logits of the vocabulary they belong to.</summary>
public class TokenPriorsTests
{
    [Fact]
    public void Priors_are_smoothed_log_frequencies_that_sum_to_one()
    {
        // 3 tokens counted, pseudo-counts 4/3 of them spread over 4 tokens: one each
        using var priors = TokenPriors.FromSequences(new[] { new[] { 0, 2 }, new[] { 0 } }, count: 4, pseudoCounts: 4.0 / 3);
        // counts 2, 0, 1, 0 plus one each, over 3 + 4
        var expected = new[] { 3.0, 1.0, 2.0, 1.0 }.Select(c => (float)Math.Log(c / 7)).ToArray();
        Assert.Equal(expected, priors.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(1.0, priors.exp().sum().item<float>(), 5);
    }

    [Fact]
    public void Bad_ids_and_pseudo_counts_are_refused_by_name()
    {
        var outside = Assert.Throws<ArgumentException>(() => TokenPriors.FromSequences(new[] { new[] { 0, 4 } }, 4, 1));
        Assert.Contains("token id 4", outside.Message);
        var pseudo = Assert.Throws<ArgumentOutOfRangeException>(() => TokenPriors.FromSequences(new[] { new[] { 0 } }, 4, 0));
        Assert.Contains("pseudo-counts", pseudo.Message);
    }

    [Fact]
    public void Restricted_priors_count_only_the_restricted_tokens()
    {
        var ranks = Enumerable.Range(0, 10).Select(i => new[] { (byte)('a' + i) }).ToList();
        var restricted = RestrictedVocabulary.FromEncodings(ranks, new[] { new[] { 3, 5, 3 } });
        using var priors = restricted.Priors(new[] { 3, 3, 7, 5, 9 }, pseudoCounts: 1);
        // restricted ids: 3 → 0, 5 → 1, begin-of-text → 2; foreign ids 7 and 9 are left out; 3 counted, one pseudo-count each
        var expected = new[] { 3.0, 2.0, 1.0 }.Select(c => (float)Math.Log(c / 6)).ToArray();
        Assert.Equal(expected, priors.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Priors_shift_each_logit_by_its_token_prior_and_must_match_the_vocabulary()
    {
        manual_seed(3);
        using var model = new ZettLanguageModel(new ZettLanguageModelConfig(Vocab: 6, Context: 8, Dim: 8, Heads: 2, Layers: 1));
        model.eval();
        using var _ = no_grad();
        using var inputs = tensor(new long[] { 0, 3, 5, 1 }).view(1, 4);
        using var plain = VocabularyEmbeddings.Original(model);
        using var priors = tensor(new float[] { -1, -2, -3, -4, -5, -6 });
        var withPriors = plain with { Priors = priors };
        using var shifted = LanguageModelScoring.Logits(model, withPriors, inputs) - LanguageModelScoring.Logits(model, plain, inputs);
        TensorAssert.Close(priors.expand(1, 4, 6), shifted, 1e-5, "logit shift");

        var wrong = plain with { Priors = zeros(5) };
        var error = Assert.Throws<ArgumentException>(() => LanguageModelScoring.Logits(model, wrong, inputs));
        Assert.Contains("priors have shape [5]", error.Message);
    }
}
