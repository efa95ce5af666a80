using System;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>
/// bf16 inference through the explicit kernel takes its products on contiguous copies of q, k and v and its softmax in
/// bf16 (the kernel keeps the maximum and the sum in fp32); with gradients it keeps the strided views and an fp32
/// softmax, as autocast does. Both give the same weights up to bf16's rounding, and are as close to the fp32 result as
/// <c>scaled_dot_product_attention</c> on the same bf16 weights.
/// </summary>
public class LowPrecisionExplicitAttentionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)] // with a key-padding mask
    public void Inference_matches_the_gradient_path_and_stays_as_close_to_fp32_as_the_flash_kernel(bool causal)
    {
        manual_seed(21);
        using var block = new Attention(new AttentionOptions { Dim = 128, Heads = 2, Causal = causal });
        using var x = randn(new[] { 3L, 96, 128 }, generator: new Generator(22)).mul_(0.5);
        using var padding = ones(3, 96, ScalarType.Bool);
        padding[1, TensorIndex.Slice(70)] = false;
        var mask = causal ? null : padding;
        Tensor exact, inference, recorded, flash;
        using (no_grad())
        {
            exact = block.forward(x, padding: mask);
        }
        Precisions.Apply(block, Precision.BFloat16Mixed);
        using (AttentionKernelChoice.Use(AttentionKernel.ExplicitScores))
        {
            using (no_grad())
            {
                inference = block.forward(x, padding: mask).to(ScalarType.Float32);
            }
            using var input = x.detach().requires_grad_();
            recorded = block.forward(input, padding: mask).detach().to(ScalarType.Float32);
        }
        using (AttentionKernelChoice.Use(AttentionKernel.ScaledDotProduct))
        using (no_grad())
        {
            flash = block.forward(x, padding: mask).to(ScalarType.Float32);
        }
        using (exact)
        using (inference)
        using (recorded)
        using (flash)
        {
            var scale = exact.abs().max().item<float>();
            var between = (inference - recorded).abs().max().item<float>() / scale;
            var inferenceError = (inference - exact).abs().max().item<float>() / scale;
            var flashError = (flash - exact).abs().max().item<float>() / scale;
            output.WriteLine($"relative to the largest output: inference vs gradient path {between:G3}; vs fp32: inference {inferenceError:G3}, scaled_dot_product {flashError:G3}");
            Assert.True(between <= 1e-2, $"the inference and gradient paths differ by {between:G3} of the largest output");
            Assert.True(inferenceError <= Math.Max(1.5 * flashError, 1e-2), $"inference error {inferenceError:G3} against {flashError:G3} for scaled_dot_product");
        }
    }
}
