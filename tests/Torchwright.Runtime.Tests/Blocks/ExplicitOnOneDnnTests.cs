using System;
using TorchSharp;
using Torchwright.Runtime.Blocks;
using Torchwright.Tests;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>
/// fp32 explicit scores without gradients multiply on oneDNN from 8M multiply-adds per product with more than one thread,
/// agreeing with MKL's products; smaller products, one thread and products that record gradients keep MKL's <c>matmul</c>.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ExplicitOnOneDnnTests(ITestOutputHelper output)
{
    private static readonly AttentionOptions Options = new() { Dim = 256, Heads = 4 };

    [Theory]
    [InlineData(256L, 2, true, false)] // 8·256·256·64 = 33.6M multiply-adds per product
    [InlineData(64L, 2, false, false)] // 2.1M: below the threshold
    [InlineData(256L, 1, false, false)] // one thread
    [InlineData(256L, 2, false, true)] // gradients recorded
    public void Products_run_on_oneDnn_only_where_they_pay(long length, int threads, bool onOneDnn, bool gradients)
    {
        using var scope = NewDisposeScope();
        using var _ = TorchThreads.Use(threads);
        using var generator = new Generator(41);
        var (query, key, value) = (Heads(length, generator).requires_grad_(gradients), Heads(length, generator), Heads(length, generator));
        // The kernel's own steps on MKL: queries scaled by 1/8 (exact), scores, softmax, weighted sum.
        var expected = (query * 0.125).matmul(key.transpose(-2, -1)).softmax(-1).matmul(value);
        using var plan = new MaskPlan(null, false, false);
        var actual = AttentionKernels.Explicit(Options, query, key, value, plan, bias: null, training: false);
        var error = ((actual - expected).norm() / expected.norm()).item<float>();
        output.WriteLine($"T={length}, {threads} thread(s), gradients {gradients}: relative difference from MKL {error:G3}");
        Assert.True(error < 1e-6, $"the explicit kernel differs from MKL's products by {error:G3}");
        Assert.Equal(!onOneDnn, actual.eq(expected).all().item<bool>());
    }

    // [B=2, H=4, T, 64] as a packed projection's strided view, as attention passes them.
    private static Tensor Heads(long length, Generator generator) =>
        randn(new[] { 2L, length, 3, 4, 64 }, generator: generator).select(2, 1).transpose(1, 2);
}
