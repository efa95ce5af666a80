using System;
using TorchSharp;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>
/// bf16 inference on scores past the explicit kernel's 32 MB runs the chunked kernel (one head per chunk here, bit for
/// bit what forcing it gives): it agrees with <c>scaled_dot_product_attention</c> on the same bf16 weights, and is as
/// close to the fp32 result.
/// </summary>
public class ChunkedAttentionTests(ITestOutputHelper output)
{
    // B·H·T·S·4 bytes = 2·4·1100·1100·4 ≈ 38.7 MB of fp32 scores: past the explicit limit; 4.8 MB per head.
    private const long Batch = 2, Length = 1100, Dim = 256;

    [Fact]
    public void Causal_attention()
        => Compare(new AttentionOptions { Dim = Dim, Heads = 4, Causal = true }, padding: null, bias: null);

    [Fact]
    public void Unscaled_softmax1_attention_with_padding_and_a_score_bias()
    {
        using var padding = ones(Batch, Length, ScalarType.Bool);
        padding[1].narrow(0, 900, 200).fill_(false);
        using var bias = randn(new[] { 1L, 4, Length, Length }, generator: new Generator(5)).mul_(0.5);
        Compare(new AttentionOptions { Dim = Dim, Heads = 4, Scaled = false, Softmax1 = true }, padding, bias);
    }

    private void Compare(AttentionOptions options, Tensor? padding, Tensor? bias)
    {
        manual_seed(3);
        using var block = new Attention(options);
        using var _ = no_grad();
        using var x = randn(new[] { Batch, Length, Dim }, generator: new Generator(4)).mul_(0.5);
        using var exact = block.forward(x, padding: padding, bias: bias);
        Precisions.Apply(block, Precision.BFloat16Mixed); // projections in bf16: q, k and v come out bf16
        using var low = x;
        using var chunked = block.forward(low, padding: padding, bias: bias).to(ScalarType.Float32);
        Tensor flash, forced;
        using (AttentionKernelChoice.Use(AttentionKernel.ScaledDotProduct))
        {
            flash = block.forward(low, padding: padding, bias: bias).to(ScalarType.Float32);
        }
        using (AttentionKernelChoice.Use(AttentionKernel.ChunkedScores))
        {
            forced = block.forward(low, padding: padding, bias: bias).to(ScalarType.Float32);
        }
        using (flash)
        using (forced)
        {
            // The automatic choice ran the chunked kernel: bit for bit what forcing it gives.
            Assert.True(chunked.eq(forced).all().item<bool>(), "the automatic choice did not run the chunked kernel");
            var scale = exact.abs().max().item<float>();
            var chunkedError = (chunked - exact).abs().max().item<float>() / scale;
            var flashError = (flash - exact).abs().max().item<float>() / scale;
            var between = (chunked - flash).abs().max().item<float>() / scale;
            output.WriteLine($"relative to fp32: chunked {chunkedError:G3}, scaled_dot_product {flashError:G3}; between them {between:G3}");
            Assert.True(between < 3e-2, $"chunked and scaled_dot_product differ by {between:G3} of the largest output");
            Assert.True(chunkedError <= Math.Max(1.5 * flashError, 1e-2), $"chunked error {chunkedError:G3} against {flashError:G3} for scaled_dot_product");
        }
    }
}
