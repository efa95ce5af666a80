using System;
using TorchSharp;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>libtorch's softmax backward, called at its entry point in place on the incoming gradient, and the formula that
/// stands in where libtorch does not export it, compute <c>P ⊙ (dP − rowsum(dP ⊙ P))</c>; arguments the kernel cannot
/// take are refused before they reach libtorch.</summary>
public class SoftmaxBackwardTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 1e-6, true)]
    [InlineData(ScalarType.BFloat16, 8e-3, true)] // one rounding of the result (2⁻⁸ relative at most)
    [InlineData(ScalarType.Float32, 1e-6, false)]
    [InlineData(ScalarType.BFloat16, 8e-3, false)]
    public void In_place_it_gives_the_softmax_gradient(ScalarType type, double tolerance, bool kernel)
    {
        Assert.True(SoftmaxBackward.Available, "this test runs where libtorch exports the kernel (Linux x64)");
        using var scope = NewDisposeScope();
        var generator = new Generator(41);
        var weights = randn(new[] { 3L, 37, 300 }, generator: generator).softmax(-1).to(type);
        var incoming = randn(new[] { 3L, 37, 300 }, generator: generator).to(type);
        var (wideWeights, wideIncoming) = (weights.to(ScalarType.Float32), incoming.to(ScalarType.Float32));
        var expected = wideWeights * (wideIncoming - (wideIncoming * wideWeights).sum(-1, keepdim: true));

        if (kernel)
        {
            SoftmaxBackward.InPlace(incoming, weights);
        }
        else
        {
            SoftmaxBackward.ByFormula(incoming, weights);
        }

        var error = (incoming.to(ScalarType.Float32) - expected).abs().max().item<float>() / expected.abs().max().item<float>();
        Assert.True(error < tolerance, $"{type}, {(kernel ? "kernel" : "formula")}: the gradient is {error:G3} off the formula's, relative to its largest value");
    }

    [Fact]
    public void Mismatched_arguments_are_refused_before_libtorch_sees_them()
    {
        using var scope = NewDisposeScope();
        var weights = zeros(4, 8);
        Assert.Throws<ArgumentException>(() => SoftmaxBackward.InPlace(zeros(4, 9), weights));
        Assert.Throws<ArgumentException>(() => SoftmaxBackward.InPlace(zeros(4, 8, ScalarType.BFloat16), weights));
        Assert.Throws<ArgumentException>(() => SoftmaxBackward.InPlace(zeros(8, 4).t(), weights));
    }
}
