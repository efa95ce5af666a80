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
/// A sliding window's masked part runs that way too, where it ran the flash kernel with a mask.
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

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void A_sliding_windows_masked_part_runs_on_oneDnn_with_more_than_one_thread(int threads, bool onOneDnn)
    {
        // HAT's byte layers: B=2, H=4, T=1024, head width 32, a window of 768; the 256 queries past the window score
        // 1,023 keys each, 67M multiply-adds per product.
        using var scope = NewDisposeScope();
        using var _ = TorchThreads.Use(threads);
        using var generator = new Generator(43);
        var options = new AttentionOptions { Dim = 128, Heads = 4, Causal = true, Window = 768 };
        Tensor Heads() => randn(new[] { 2L, 1024, 4, 32 }, generator: generator).transpose(1, 2);
        var (query, key, value) = (Heads(), Heads(), Heads());
        var positions = arange(1024L);
        var allowed = positions.unsqueeze(0).le(positions.unsqueeze(1)).logical_and(positions.unsqueeze(0).gt(positions.unsqueeze(1) - 768));
        var expected = nn.functional.scaled_dot_product_attention(query, key, value, where(allowed, 0f, float.NegativeInfinity));
        using var plan = new MaskPlan(allowed, false, false);
        var actual = AttentionKernels.Fused(options, query, key, value, plan, bias: null, training: false);
        var error = ((actual - expected).norm() / expected.norm()).item<float>();
        output.WriteLine($"{threads} thread(s): relative difference from one masked flash kernel {error:G3}");
        Assert.True(error < 1e-6, $"the windowed kernel differs from one masked kernel by {error:G3}");
        // On one thread the masked part takes the flash kernel: the same bits there only when the tail ran it too.
        var tail = actual.narrow(2, 768, 256);
        Tensor flashTail;
        using (TorchThreads.Use(1))
        {
            flashTail = AttentionKernels.Fused(options, query, key, value, plan, bias: null, training: false).narrow(2, 768, 256);
        }
        Assert.Equal(!onOneDnn, tail.eq(flashTail).all().item<bool>());
        // Asked for by name, scaled_dot_product_attention runs the masked part too: it never holds the scores.
        var tailMask = where(allowed.narrow(0, 768, 256).narrow(1, 1, 1023), 0f, (float)Attention.HiddenScore);
        var sdpaTail = nn.functional.scaled_dot_product_attention(query.narrow(2, 768, 256), key.narrow(2, 1, 1023), value.narrow(2, 1, 1023), tailMask);
        using (AttentionKernelChoice.Use(AttentionKernel.ScaledDotProduct))
        {
            var byName = AttentionKernels.Fused(options, query, key, value, plan, bias: null, training: false).narrow(2, 768, 256);
            Assert.True(byName.eq(sdpaTail).all().item<bool>(), "a forced scaled_dot_product_attention did not run the flash kernel past the window");
        }
    }

    // [B=2, H=4, T, 64] as a packed projection's strided view, as attention passes them.
    private static Tensor Heads(long length, Generator generator) =>
        randn(new[] { 2L, length, 3, 4, 64 }, generator: generator).select(2, 1).transpose(1, 2);
}
