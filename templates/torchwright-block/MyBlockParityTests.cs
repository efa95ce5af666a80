using System;
using Torchwright.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace MyBlockNamespace;

/// <summary>
/// Parity for <see cref="MyBlock"/>: the generated fused path, the plain reference path and the maths written out
/// by hand from the parameters must agree. When you change the block, change <see cref="ByHand"/> with it.
/// </summary>
public class MyBlockParityTests
{
    private static readonly MyBlockConfig Config = new(Dim: 16, Hidden: 32);

    [Fact]
    public void Fused_reference_and_by_hand_agree()
    {
        var generator = new Generator(7);
        using var block = new MyBlock(Config);
        using var x = randn(new long[] { 2, 5, Config.Dim }, generator: generator);
        using var _ = no_grad();

        using var fused = block.forward(x);
        block.Path = ForwardPath.Reference;
        using var reference = block.forward(x);
        using var byHand = ByHand(block, x);

        AssertClose(byHand, fused, "fused vs by hand");
        AssertClose(byHand, reference, "reference vs by hand");
    }

    [Fact]
    public void Parameters_have_the_expected_names_and_shapes()
    {
        using var block = new MyBlock(Config);
        var parameters = block.state_dict();

        Assert.Equal(new[] { "up.weight", "down.weight" }, parameters.Keys);
        Assert.Equal(new long[] { 2 * Config.Hidden, Config.Dim }, parameters["up.weight"].shape);
        Assert.Equal(new long[] { Config.Dim, Config.Hidden }, parameters["down.weight"].shape);
    }

    [Fact]
    public void A_wrong_input_width_is_reported_with_the_expected_shape()
    {
        using var block = new MyBlock(Config);
        using var x = zeros(2, 5, Config.Dim + 1);

        var error = Assert.Throws<ArgumentException>(() => block.forward(x));

        Assert.Contains($"expected [B,T,Dim] = [2,5,{Config.Dim}]", error.Message);
    }

    /// <summary>The block's maths, written out from its parameters.</summary>
    private static Tensor ByHand(MyBlock block, Tensor x)
    {
        var w = block.state_dict();
        var halves = x.matmul(w["up.weight"].t()).chunk(2, -1);
        return (nn.functional.silu(halves[0]) * halves[1]).matmul(w["down.weight"].t());
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5f, $"{what}: largest difference {difference:E2}, tolerance 1e-5");
    }
}
