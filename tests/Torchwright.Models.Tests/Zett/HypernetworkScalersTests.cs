using System.Linq;
using Torchwright.Models.Zett;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Zett;

/// <summary>The frozen scalers start the hypernetwork at the scale of the embeddings it predicts.</summary>
public class HypernetworkScalersTests
{
    [Fact]
    public void Fitted_scalers_match_the_originals_statistics_and_stay_frozen()
    {
        const int vocabulary = 300, dim = 8;
        var hypernetwork = new ZettHypernetwork(new ZettHypernetworkConfig(SourceDim: 2 * dim, TargetDim: dim, Hidden: 16, Intermediate: 32, Heads: 2, Layers: 1, MaxPieces: 4));
        hypernetwork.eval();
        // Columns of very different means and spreads, as trained embeddings have.
        using var source = (arange(vocabulary * 2 * dim, dtype: ScalarType.Float32).view(vocabulary, 2 * dim).mul(0.71).sin()
            * linspace(0.01, 0.5, 2 * dim)) + linspace(-0.2, 0.3, 2 * dim);
        HypernetworkScalers.Fit(hypernetwork, source);

        using var _ = no_grad();
        using var predicted = hypernetwork.forward(arange(vocabulary, dtype: ScalarType.Int64).unsqueeze(1), ones(vocabulary, 1, dtype: ScalarType.Bool), source);
        TensorAssert.Close(source.mean(new long[] { 0 }), predicted.mean(new long[] { 0 }), 1e-4, "column means");
        TensorAssert.Close(source.std(0), predicted.std(0), 1e-4, "column standard deviations");
        var scalers = hypernetwork.named_parameters().Where(p => p.name.Contains("scaler")).ToList();
        Assert.Equal(4, scalers.Count);
        Assert.All(scalers, p => Assert.False(p.parameter.requires_grad, $"{p.name} is trainable"));
        Assert.All(hypernetwork.named_parameters().Where(p => !p.name.Contains("scaler")), p => Assert.True(p.parameter.requires_grad, p.name));
    }
}
