using System.Linq;
using Torchwright.Models.Zett;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Running the hypernetwork per group of equal piece counts gives what one call at full width gives.</summary>
public class GroupedPredictionTests
{
    [Fact]
    public void Grouped_run_matches_the_full_width_forward_in_values_and_gradients()
    {
        var ranks = TiktokenRanks.Gpt2();
        var original = BpeVocabulary.FromRanks(ranks, Enumerable.Range(0, 300));
        var target = BpeVocabulary.FromRanks(ranks, Enumerable.Range(0, 900));
        using var pieces = TokenPieces.Decompose(original, target.Tokens, 4);
        Assert.True(pieces.Counts.Distinct().Count() > 3, "several piece counts, some beyond L");
        var hypernetwork = new ZettHypernetwork(new ZettHypernetworkConfig(SourceDim: 16, TargetDim: 8, Hidden: 16, Intermediate: 32, Heads: 2, Layers: 2, MaxPieces: 4));
        hypernetwork.eval();
        using var source = arange(original.Count * 16, dtype: ScalarType.Float32).view(original.Count, 16).mul(0.37).sin();

        var grouped = HypernetworkPrediction.Run(hypernetwork, pieces, source);
        grouped.square().sum().backward();
        var groupedGradients = hypernetwork.parameters().Select(p => p.grad!.clone()).ToList();
        hypernetwork.zero_grad();
        var full = hypernetwork.forward(pieces.Ids, pieces.Real, source);
        full.square().sum().backward();

        TensorAssert.Close(full, grouped, 1e-5, "predicted embeddings");
        foreach (var ((name, parameter), gradient) in hypernetwork.named_parameters().Zip(groupedGradients))
        {
            // Sums over hundreds of tokens in another order: relative to the gradient's size.
            var scale = parameter.grad!.abs().max().item<float>();
            TensorAssert.Close(parameter.grad!, gradient, 1e-4 * scale + 1e-7, $"gradient of {name}");
        }
    }
}
