using System;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Caching;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Caching;

/// <summary>
/// A cached step that cannot run says why and leaves the caches as they were: a full rotary table is named with its
/// size, and a step that fails part-way (here in a later layer's cross-attention) does not leave some layers longer
/// than others.
/// </summary>
public sealed class CacheOverflowTests
{
    [Fact]
    public void A_step_past_the_rotary_table_is_refused_with_the_table_size_and_the_cache_is_unchanged()
    {
        using var attention = new Attention(new AttentionOptions { Dim = 8, Heads = 2, Causal = true, Rope = true, RopeMaxPositions = 8 });
        using var cache = new KeyValueCache();
        using var scope = NewDisposeScope();
        CachedAttention.Step(attention, randn(1, 6, 8), cache);

        var error = Assert.Throws<InvalidOperationException>(() => CachedAttention.Step(attention, randn(1, 3, 8), cache));

        Assert.Contains("8 positions", error.Message);
        Assert.Contains("holds 6", error.Message);
        Assert.Equal(6, cache.Length);
        CachedAttention.Step(attention, randn(1, 2, 8), cache); // the last two positions still fit
        Assert.Equal(8, cache.Length);
    }

    [Fact]
    public void A_stack_step_that_fails_part_way_leaves_every_layer_at_the_same_length()
    {
        using var stack = new TransformerStack(2, new TransformerOptions { Dim = 8, Heads = 2, Causal = true, MemoryDim = 6 });
        using var cache = new TransformerCache(2);
        using var scope = NewDisposeScope();
        var memory = randn(1, 3, 6);
        CachedTransformer.Step(stack, randn(1, 2, 8), cache, memory: memory);

        // The memory padding is checked by layer 0's cross-attention, after its self-attention cache has grown.
        var padding = ones(1, 4, ScalarType.Bool);
        Assert.Throws<ArgumentException>(() => CachedTransformer.Step(stack, randn(1, 1, 8), cache, memory: memory, memoryPadding: padding));

        Assert.Equal(2, cache[0].Length);
        Assert.Equal(2, cache[1].Length);
    }
}
