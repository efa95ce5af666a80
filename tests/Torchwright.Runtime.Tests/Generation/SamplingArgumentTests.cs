using System;
using System.Collections.Generic;
using TorchSharp;
using Torchwright.Runtime.Generation;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Generation;

/// <summary>Sampling and continuation refuse arguments they cannot honour by name, instead of failing in libtorch or quietly ignoring them.</summary>
public sealed class SamplingArgumentTests
{
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Temperature_must_be_positive_and_finite(double temperature)
    {
        using var logits = tensor(new float[] { 1, 2, 3 });
        using var generator = new Generator(1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.Sample(logits, temperature, 0, generator));

        Assert.Equal("temperature", error.ParamName);
    }

    [Fact]
    public void A_negative_top_k_is_refused_and_one_above_the_vocabulary_keeps_every_token()
    {
        using var logits = tensor(new float[] { 0, 0, 0 });
        using var generator = new Generator(1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.Sample(logits, 1.0, -2, generator));
        Assert.Equal("topK", error.ParamName);

        var seen = new HashSet<long>();
        for (var i = 0; i < 200; i++) seen.Add(Sampling.Sample(logits, 1.0, 50, generator));
        Assert.Equal(3, seen.Count);
    }

    [Theory]
    [InlineData(new long[] { 2, 3 })]
    [InlineData(new long[] { 0 })]
    [InlineData(new long[0])]
    public void Logits_must_be_one_non_empty_row(long[] shape)
    {
        using var logits = zeros(shape);
        using var generator = new Generator(1);

        var sampled = Assert.Throws<ArgumentException>(() => Sampling.Sample(logits, 1.0, 0, generator));
        var greedy = Assert.Throws<ArgumentException>(() => Sampling.Greedy(logits));

        foreach (var error in new[] { sampled, greedy })
        {
            Assert.Equal("logits", error.ParamName);
            Assert.Contains("[" + string.Join(", ", shape) + "]", error.Message);
        }
    }

    [Fact]
    public void An_empty_prompt_or_a_window_of_nothing_is_refused_before_the_model_runs()
    {
        var calls = 0;
        Tensor Forward(Tensor ids) { calls++; return zeros(1, ids.shape[1], 5); }

        Assert.Equal("prompt", Assert.Throws<ArgumentException>(() => Continuation.Extend(Forward, Array.Empty<long>(), 3, 8, Sampling.Greedy)).ParamName);
        Assert.Equal("context", Assert.Throws<ArgumentOutOfRangeException>(() => Continuation.Extend(Forward, new long[] { 1 }, 3, 0, Sampling.Greedy)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => Continuation.Extend(Forward, new long[] { 1 }, -1, 8, Sampling.Greedy)).ParamName);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Logits_of_the_wrong_shape_from_the_model_are_named()
    {
        // A model that forgot the batch dimension: [T, V] instead of [1, T, V].
        var error = Assert.Throws<InvalidOperationException>(() =>
            Continuation.Extend(ids => zeros(ids.shape[1], 5), new long[] { 1, 2 }, 1, 8, Sampling.Greedy));

        Assert.Contains("[1, T, V]", error.Message);
        Assert.Contains("[2, 5]", error.Message);
    }
}
