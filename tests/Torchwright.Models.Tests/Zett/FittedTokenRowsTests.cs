using System.Collections.Generic;
using System.Linq;
using System.Text;
using Torchwright.Models.Zett;
using Torchwright.Runtime.Text;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Continued training for dynamic tokenization, on an untrained tiny model: what gets a row, and what stays put.</summary>
public class FittedTokenRowsTests
{
    private const int Merges = 12;

    private static readonly BpeVocabulary Original = UntrainedZett.Original;

    private static readonly string Text = SyntheticText.Generate(6_000, 5);

    [Fact]
    public void Fitting_lowers_the_loss_and_moves_only_the_rows()
    {
        var (model, cache) = Untrained();
        using var before = model.InputEmbeddings.clone();
        var (rows, training) = FittedTokenRows.Fit(model, Original, cache, Text, Options(steps: 60));
        using (rows)
        {
            var losses = training.Losses;
            Assert.True(losses.TakeLast(10).Average() < 0.9 * losses.Take(10).Average(),
                $"the loss fell from {losses.Take(10).Average():F3} to only {losses.TakeLast(10).Average():F3}");
            Assert.True(model.InputEmbeddings.allclose(before, rtol: 0, atol: 0), "fitting changed the frozen model");
            Assert.True(rows.Count > 0);
        }
    }

    [Fact]
    public void Tokens_never_met_keep_the_hypernetwork_rows_and_the_table_stops_at_its_capacity()
    {
        var (model, cache) = Untrained();
        var (rows, _) = FittedTokenRows.Fit(model, Original, cache, Text, Options(steps: 5) with { Capacity = 8 });
        using (rows)
        {
            Assert.Equal(8, rows.Count);
            var unseen = new List<byte[]> { Encoding.UTF8.GetBytes("\u00e9\u00e8"), Encoding.UTF8.GetBytes("qz") };
            using var fitted = rows.Rows(unseen);
            using var predicted = cache.Rows(unseen);
            Assert.True(fitted.allclose(predicted, rtol: 0, atol: 0), "a token the fitting never met must keep the hypernetwork's row");
        }
    }

    [Fact]
    public void Rows_of_another_width_are_refused_by_name()
    {
        var (_, cache) = Untrained();
        var wider = new ZettLanguageModel(new ZettLanguageModelConfig(Vocab: Original.Count, Context: 64, Dim: 32, Heads: 2, Layers: 1));
        var error = Assert.Throws<System.ArgumentException>(() => FittedTokenRows.Fit(wider, Original, cache, Text, Options(steps: 2)));
        Assert.Contains("rows are 32 wide", error.Message);
        Assert.Contains("width 64", error.Message);
    }

    private static RowFittingOptions Options(int steps) => new() { Steps = steps, Merges = Merges, BatchSize = 4, ChunkLength = 120, LearningRate = 1e-2 };

    private static (ZettLanguageModel, EmbeddingCache) Untrained()
    {
        var (model, hypernetwork) = UntrainedZett.Create();
        return (model, new EmbeddingCache(hypernetwork, model, Original));
    }
}
