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

    private static readonly BpeVocabulary Original = BpeVocabulary.FromRanks(TiktokenRanks.Gpt2(), Enumerable.Range(0, 300));

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

    private static (ZettLanguageModel, ZettHypernetwork) Untrained()
    {
        manual_seed(11);
        var model = new ZettLanguageModel(new ZettLanguageModelConfig(Vocab: Original.Count, Context: 64, Dim: 16, Heads: 2, Layers: 1));
        var hypernetwork = new ZettHypernetwork(new ZettHypernetworkConfig(SourceDim: 32, TargetDim: 16, Hidden: 16, Intermediate: 32, Heads: 2, Layers: 1, MaxPieces: 4));
        model.eval();
        hypernetwork.eval();
        return (model, hypernetwork);
    }

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
