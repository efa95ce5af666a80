using System;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Caching;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>The general key/value cache: a causal stack fed in pieces gives what it gives on the whole sequence.</summary>
[Collection(HatCollection.Name)]
public class KeyValueCacheTests
{
    private static readonly TransformerOptions Llama = new()
    {
        Dim = 32, Heads = 4, Causal = true, Rope = true, Norm = NormKind.RmsNorm, Activation = Activation.Silu, Gated = true, Bias = false, MlpHidden = 48,
    };

    private static readonly TransformerOptions GroupedUnscaled = new()
    {
        Dim = 32, Heads = 4, KvHeads = 2, Causal = true, QkNorm = true, Scaled = false, Bias = true,
    };

    public static TheoryData<string> Variants => new() { nameof(Llama), nameof(GroupedUnscaled) };

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_stack_fed_in_pieces_matches_the_whole_sequence(string variant)
    {
        using var stack = Build(variant == nameof(Llama) ? Llama : GroupedUnscaled, seed: 51);
        using var _ = no_grad();
        var generator = new Generator(7);
        using var x = randn(new long[] { 2, 40, 32 }, generator: generator);
        using var whole = stack.forward(x);
        using var cache = new TransformerCache(2);
        int start = 0;
        foreach (var piece in new[] { 3, 1, 1, 7, 1, 12, 1, 1, 13 }) // 40 positions; storage grows past 16 and 32
        {
            using var part = CachedTransformer.Step(stack, x.narrow(1, start, piece), cache);
            TensorAssert.Close(whole.narrow(1, start, piece), part, 1e-5, $"positions {start}..{start + piece - 1}");
            start += piece;
        }
        Assert.Equal(40, cache.Length);
        Assert.True(cache[0].Capacity >= 40);
    }

    [Fact]
    public void Truncating_and_running_again_gives_the_same_result()
    {
        using var stack = Build(Llama, seed: 52);
        using var _ = no_grad();
        using var x = randn(new long[] { 1, 10, 32 }, generator: new Generator(8));
        using var cache = new TransformerCache(2);
        CachedTransformer.Step(stack, x.narrow(1, 0, 8), cache).Dispose();
        using var before = CachedTransformer.Step(stack, x.narrow(1, 8, 2), cache);
        cache.Truncate(8);
        using var again = CachedTransformer.Step(stack, x.narrow(1, 8, 2), cache);
        TensorAssert.Close(before, again, 0, "after truncation");
        Assert.Equal(10, cache.Length);
    }

    [Fact]
    public void Layers_that_cannot_be_cached_are_refused_with_a_clear_error()
    {
        using var bidirectional = Build(Llama with { Causal = false }, seed: 53);
        using var cache = new TransformerCache(2);
        using var x = zeros(1, 1, 32);
        var error = Assert.Throws<NotSupportedException>(() => CachedTransformer.Step(bidirectional, x, cache));
        Assert.Contains("causal", error.Message);

        using var causal = Build(Llama, seed: 54);
        using var wrong = new TransformerCache(3);
        Assert.Contains("3", Assert.Throws<ArgumentException>(() => CachedTransformer.Step(causal, x, wrong)).Message);
    }

    [Fact]
    public void A_cache_refuses_keys_of_another_shape()
    {
        using var cache = new KeyValueCache();
        using var keys = zeros(1, 2, 3, 8);
        var (stored, storedValues) = cache.Append(keys, keys);
        stored.Dispose();
        storedValues.Dispose();
        using var other = zeros(1, 4, 1, 8);
        var error = Assert.Throws<ArgumentException>(() => cache.Append(other, other));
        Assert.Contains("Hkv=2", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Truncate(4));
    }

    private static TransformerStack Build(TransformerOptions options, int seed)
    {
        manual_seed(seed);
        var stack = new TransformerStack(2, options);
        stack.eval();
        return stack;
    }
}
