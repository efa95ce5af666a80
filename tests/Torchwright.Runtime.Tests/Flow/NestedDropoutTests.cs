using System;
using System.Linq;
using Torchwright.Runtime.Flow;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Flow;

public class NestedDropoutTests
{
    [Fact]
    public void Uniform_counts_cover_one_to_n()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var keep = NestedDropout.SampleKeep(5000, 16, KeepSampling.Uniform, generator);
        var values = keep.unique().Item1.data<long>().ToArray();
        Assert.Equal(Enumerable.Range(1, 16).Select(v => (long)v), values);
    }

    [Fact]
    public void Power_of_two_counts_are_powers_of_two_up_to_n()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        var keep = NestedDropout.SampleKeep(5000, 16, KeepSampling.PowersOfTwo, generator);
        Assert.Equal(new long[] { 1, 2, 4, 8, 16 }, keep.unique().Item1.data<long>().ToArray());
        var share = keep.eq(16).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(share, 0.17, 0.23); // each of the five values a fifth of the time
        Assert.Equal(new long[] { 1, 2, 4, 8, 12 }, NestedDropout.PowersOfTwoUpTo(12));
    }

    [Fact]
    public void Rounded_uniform_counts_are_rounded_up_to_powers_of_two()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var keep = NestedDropout.SampleKeep(8000, 16, KeepSampling.UniformPowerOfTwo, generator);
        Assert.Equal(new long[] { 1, 2, 4, 8, 16 }, keep.unique().Item1.data<long>().ToArray());
        var share = keep.eq(16).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(share, 0.45, 0.55); // 9..16 all round up to 16
    }

    [Fact]
    public void Apply_keeps_the_first_k_and_masks_the_rest()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var tokens = randn(new long[] { 3, 5, 2 }, generator: generator);
        var mask = tensor(new[] { 9f, -9f });
        var kept = NestedDropout.Apply(tokens, tensor(new long[] { 1, 3, 5 }), mask);
        for (var b = 0; b < 3; b++)
        {
            var k = new[] { 1, 3, 5 }[b];
            Assert.True(kept[b, ..k].eq(tokens[b, ..k]).all().item<bool>());
            for (var i = k; i < 5; i++)
            {
                Assert.True(kept[b, i].eq(mask).all().item<bool>());
            }
        }
        var error = Assert.Throws<ArgumentException>(() => NestedDropout.Apply(tokens, tensor(new long[] { 1, 2 }), mask));
        Assert.Contains("one keep count per sample, [3]", error.Message);
    }

    [Fact]
    public void The_mask_token_receives_the_gradient_of_masked_positions()
    {
        using var scope = NewDisposeScope();
        var tokens = ones(2, 4, 3).requires_grad_();
        var mask = zeros(3).requires_grad_();
        NestedDropout.Apply(tokens, tensor(new long[] { 1, 2 }), mask).sum().backward();
        Assert.True(mask.grad!.allclose(full(3, 5f)), "five masked positions in all");
        Assert.Equal(9f, tokens.grad!.sum().item<float>()); // three kept positions of width 3
    }
}
