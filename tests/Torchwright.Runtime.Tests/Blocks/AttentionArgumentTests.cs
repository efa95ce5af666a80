using System;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>
/// Attention's inputs and masks of the wrong shape are refused by name with both shapes, instead of a libtorch
/// error deep in a kernel or, worse, a mask that broadcasts into the wrong dimensions and silently changes the result.
/// </summary>
public sealed class AttentionArgumentTests
{
    // Four heads and four positions: a [T] padding mask broadcasts as if it were per head.
    private static Attention SelfAttention() => new(new AttentionOptions { Dim = 8, Heads = 4, Causal = false });

    private static Attention CrossAttention() => new(new AttentionOptions { Dim = 8, Heads = 2, MemoryDim = 6 });

    [Fact]
    public void A_padding_mask_without_its_batch_dimension_is_refused()
    {
        using var attention = SelfAttention();
        using var x = randn(1, 4, 8);
        using var padding = tensor(new[] { true, true, false, true });

        var error = Assert.Throws<ArgumentException>(() => attention.forward(x, padding: padding));

        Assert.Equal("padding", error.ParamName);
        Assert.Contains("[4]", error.Message);
        Assert.Contains("[B,S] = [1,4]", error.Message);
    }

    [Fact]
    public void A_padding_mask_of_another_key_length_is_refused()
    {
        using var attention = CrossAttention();
        using var x = randn(2, 3, 8);
        using var memory = randn(2, 5, 6);
        using var padding = ones(2, 3, ScalarType.Bool); // the queries' length, not the memory's

        var error = Assert.Throws<ArgumentException>(() => attention.forward(x, memory, padding: padding));

        Assert.Equal("padding", error.ParamName);
        Assert.Contains("[2,3]", error.Message);
        Assert.Contains("[B,S] = [2,5]", error.Message);
    }

    [Fact]
    public void Input_and_memory_widths_are_checked_against_the_layer()
    {
        using var self = SelfAttention();
        using var narrow = randn(1, 4, 6);
        var xError = Assert.Throws<ArgumentException>(() => self.forward(narrow));
        Assert.Equal("x", xError.ParamName);
        Assert.Contains("[1,4,6]", xError.Message);
        Assert.Contains("[B,T,Dim] = [?,?,8]", xError.Message);

        using var cross = CrossAttention();
        using var x = randn(2, 3, 8);
        using var otherBatch = randn(3, 5, 6);
        var memoryError = Assert.Throws<ArgumentException>(() => cross.forward(x, otherBatch));
        Assert.Equal("memory", memoryError.ParamName);
        Assert.Contains("[B,S,MemoryDim] = [2,?,6]", memoryError.Message);
    }

    [Fact]
    public void Group_ids_and_score_bias_must_fit_the_scores()
    {
        using var attention = SelfAttention();
        using var x = randn(2, 4, 8);
        using var groups = zeros(2, 4, ScalarType.Int64);
        using var shortGroups = zeros(2, 3, ScalarType.Int64);
        Assert.Equal("keyGroups", Assert.Throws<ArgumentException>(() => attention.forward(x, queryGroups: groups, keyGroups: shortGroups)).ParamName);

        // [B,T,S] lines up with [H,T,S], not with the batch; a per-row bias is [B,1,T,S].
        using var bias = zeros(2, 4, 4);
        var biasError = Assert.Throws<ArgumentException>(() => attention.forward(x, bias: bias));
        Assert.Equal("bias", biasError.ParamName);
        Assert.Contains("[B,H,T,S] = [2,4,4,4]", biasError.Message);
    }

    [Fact]
    public void Rotary_positions_of_another_length_are_refused()
    {
        using var attention = new Attention(new AttentionOptions { Dim = 8, Heads = 2, Causal = true, Rope = true });
        using var x = randn(1, 4, 8);
        using var positions = arange(5);

        var error = Assert.Throws<ArgumentException>(() => attention.forward(x, positions: positions));

        Assert.Equal("positions", error.ParamName);
        Assert.Contains("[5]", error.Message);
    }

    [Fact]
    public void Masks_that_fit_or_broadcast_over_the_batch_still_run()
    {
        using var attention = SelfAttention();
        using var x = randn(2, 4, 8);
        using var padding = ones(1, 4, ScalarType.Bool);
        using var bias = zeros(4, 4);
        using var output = attention.forward(x, padding: padding, bias: bias);
        Assert.Equal(new long[] { 2, 4, 8 }, output.shape);
    }
}
