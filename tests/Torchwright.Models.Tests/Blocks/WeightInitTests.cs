using System;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks;

/// <summary>What each <see cref="WeightInit"/> draws, in the blocks that take one, and the spread of position tables.</summary>
[Collection(nameof(GlobalRandomState))]
public class WeightInitTests
{
    private static double Std(Tensor weight) => weight.std().item<float>();

    [Fact]
    public void Linear_draws_gpt2_weights_by_default_and_fan_in_weights_when_asked()
    {
        manual_seed(3);
        using var gpt2 = new Linear(256, 512);
        using var fanIn = new Linear(256, 512, init: WeightInit.FanIn);

        Assert.InRange(Std(gpt2.weight), 0.019, 0.021);
        Assert.InRange(Std(fanIn.weight), 0.95 / 16, 1.05 / 16);
        Assert.Equal(0, fanIn.bias!.abs().max().item<float>());
    }

    [Fact]
    public void Transformer_stack_keeps_its_residual_scaling_and_a_zero_adaln_under_fan_in()
    {
        manual_seed(4);
        const int depth = 2, dim = 128;
        using var stack = new TransformerStack(depth, new TransformerOptions
        {
            Dim = dim, Heads = 4, MemoryDim = 64, ConditionDim = 32, Init = WeightInit.FanIn,
        });
        var layer = stack.Layers[0];
        var residual = 1 / Math.Sqrt(2 * depth);

        Assert.InRange(Std(layer.attn.qkv!.weight), 0.95 / Math.Sqrt(dim), 1.05 / Math.Sqrt(dim));
        Assert.InRange(Std(layer.cross_attn!.kv!.weight), 0.95 / 8, 1.05 / 8); // reads the 64-wide memory
        Assert.InRange(Std(layer.attn.proj.weight), 0.95 * residual / Math.Sqrt(dim), 1.05 * residual / Math.Sqrt(dim));
        Assert.InRange(Std(layer.mlp.fc2.weight), 0.95 * residual / Math.Sqrt(4 * dim), 1.05 * residual / Math.Sqrt(4 * dim));
        Assert.Equal(0, layer.ada!.weight.abs().max().item<float>());
    }

    [Fact]
    public void Position_tables_draw_their_spread_and_refuse_none()
    {
        manual_seed(5);
        using var quiet = new LearnedPositions(64, 128);
        using var loud = new LearnedPositions(64, 128, std: 1);

        Assert.InRange(Std(quiet.weight), 0.0095, 0.0105);
        Assert.InRange(Std(loud.weight), 0.95, 1.05);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LearnedPositions(4, 4, std: 0));
        Assert.Equal("std", error.ParamName);
    }

    [Fact]
    public void An_unknown_init_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(4, 4, init: (WeightInit)7));
        Assert.Equal("init", error.ParamName);
    }
}
