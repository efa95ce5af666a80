using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Models.Zett;
using Torchwright.Runtime.Text;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Which rows dynamic tokenization scores with: every row predicted, or the model's own rows for original tokens.</summary>
public class DynamicTokenizationTests
{
    private const int Merges = 12;

    private static readonly BpeVocabulary Original = UntrainedZett.Original;

    private static readonly List<string> Texts = TextChunks.Consecutive(SyntheticText.Generate(2_000, 5), 4, 120);

    [Fact]
    public void Predicted_rows_score_the_merged_vocabulary_with_every_row_from_the_hypernetwork()
    {
        var (model, hypernetwork) = Untrained();
        var cache = new EmbeddingCache(hypernetwork, model, Original);
        var score = DynamicTokenization.Score(model, Original, cache, Texts, Merges);

        var merged = Merge();
        using var predicted = HypernetworkPrediction.Predict(hypernetwork, model, Original, merged.Tokens);
        Assert.Equal(merged.Tokens.Count, cache.Misses);
        Assert.Equal(Scored(model, predicted, merged), score.BitsPerByte, 5);
    }

    [Fact]
    public void Own_rows_keep_the_model_embeddings_for_original_tokens_and_predict_only_merged_ones()
    {
        var (model, hypernetwork) = Untrained();
        var cache = new EmbeddingCache(hypernetwork, model, Original);
        var unmerged = DynamicTokenization.Score(model, Original, cache, Texts, 0, OriginalTokenRows.Own);
        Assert.Equal(0, cache.Misses + cache.Hits);

        var score = DynamicTokenization.Score(model, Original, cache, Texts, Merges, OriginalTokenRows.Own);
        var merged = Merge();
        using var added = HypernetworkPrediction.Predict(hypernetwork, model, Original, merged.Added);
        using var own = new VocabularyEmbeddings(cat(new[] { model.InputEmbeddings.detach(), added.Input }, 0), cat(new[] { model.OutputEmbeddings.detach(), added.Output }, 0));
        Assert.Equal(merged.Added.Count, cache.Misses);
        Assert.Equal(Scored(model, own, merged), score.BitsPerByte, 5);
        Assert.True(score.TokensAfter < unmerged.TokensAfter, "the merges shortened the batch");
    }

    [Fact]
    public void Priors_count_the_merged_vocabulary_on_another_text_with_the_batch_merges_after_the_original_ones()
    {
        var (model, hypernetwork) = Untrained();
        var cache = new EmbeddingCache(hypernetwork, model, Original);
        var priorText = SyntheticText.Generate(3_000, 6);
        const double share = 0.01;
        var score = DynamicTokenization.Score(model, Original, cache, Texts, Merges, priors: (priorText, share));

        var merger = new DynamicMerges(Original, Texts);
        merger.Apply(Merges);
        var merged = MergedTokenization.From(Original, merger);
        var ranks = Original.Tokens.Take(Original.BosId).Concat(merger.Merges).ToList();
        var tokenizer = BpeVocabulary.FromRanks(ranks, Enumerable.Range(0, ranks.Count));
        var counts = tokenizer.Encode(priorText).GroupBy(id => tokenizer.Bytes(id), ByteTokens.Comparer).ToDictionary(g => g.Key, g => g.Count(), ByteTokens.Comparer);
        var counted = counts.Values.Sum();
        var perToken = share * counted / tokenizer.Count;
        var total = counted + perToken * tokenizer.Count;
        using var priors = tensor(merged.Tokens.Select(t => (float)Math.Log((counts.GetValueOrDefault(t) + perToken) / total)).ToArray());
        using var predicted = HypernetworkPrediction.Predict(hypernetwork, model, Original, merged.Tokens);
        Assert.Equal(Scored(model, predicted with { Priors = priors }, merged), score.BitsPerByte, 5);
    }

    [Fact]
    public void Priors_with_the_models_own_rows_are_refused()
    {
        var (model, hypernetwork) = Untrained();
        var cache = new EmbeddingCache(hypernetwork, model, Original);
        var error = Assert.Throws<ArgumentException>(() => DynamicTokenization.Score(model, Original, cache, Texts, Merges, OriginalTokenRows.Own, ("text", 0.01)));
        Assert.Contains("predicted rows only", error.Message);
    }

    private static (ZettLanguageModel, ZettHypernetwork) Untrained() => UntrainedZett.Create();

    private static MergedTokenization Merge()
    {
        var merger = new DynamicMerges(Original, Texts);
        merger.Apply(Merges);
        return MergedTokenization.From(Original, merger);
    }

    private static double Scored(ZettLanguageModel model, VocabularyEmbeddings embeddings, MergedTokenization merged)
    {
        using var batch = merged.Batch(System.Math.Min(model.Config.Context, merged.LongestTargets));
        return LanguageModelScoring.BitsPerByte(model, embeddings, batch);
    }
}
