using System;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static Torchwright.Tests.AttentionRuns;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>
/// bf16 inference on scores past the explicit kernel's 32 MB runs the chunked kernel (one head per chunk here, bit for
/// bit what forcing it gives): it agrees with <c>scaled_dot_product_attention</c> on the same bf16 weights, and is as
/// close to the fp32 result. fp32 there runs it too when the attention is plain causal, in query blocks that stop at
/// their last query's key, for inference and (with a backward of their own) for training; those blocks give the
/// explicit kernel's outputs and gradients. bf16 training there takes the blocks too, as close to fp32 as autocast's
/// explicit scores (it took <c>scaled_dot_product_attention</c> before, whose CPU backward is slow).
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

    [Fact]
    public void Fp32_causal_inference_past_the_limit_runs_causal_query_blocks_and_agrees_with_the_flash_kernel()
    {
        manual_seed(6);
        using var block = new Attention(new AttentionOptions { Dim = Dim, Heads = 4, Causal = true });
        using var _ = no_grad();
        using var x = randn(new[] { Batch, Length, Dim }, generator: new Generator(7)).mul_(0.5);
        using var automatic = block.forward(x);
        Tensor flash, forced;
        using (AttentionKernelChoice.Use(AttentionKernel.ScaledDotProduct))
        {
            flash = block.forward(x);
        }
        using (AttentionKernelChoice.Use(AttentionKernel.ChunkedScores))
        {
            forced = block.forward(x);
        }
        using (flash)
        using (forced)
        {
            Assert.True(automatic.eq(forced).all().item<bool>(), "fp32 causal inference past 32 MB did not run the chunked kernel");
            var difference = (automatic - flash).abs().max().item<float>();
            output.WriteLine($"fp32, {Length} positions in query blocks (the last one partial): largest |chunked − flash| = {difference:G3}");
            Assert.True(difference < 1e-5, $"causal query blocks differ from the flash kernel by {difference:G3}");
        }
    }

    [Fact]
    public void Causal_query_blocks_give_the_explicit_kernels_outputs_and_gradients()
    {
        manual_seed(8);
        using var block = new Attention(new AttentionOptions { Dim = 64, Heads = 2, Causal = true });
        using var x = randn(new[] { 2L, 300, 64 }, generator: new Generator(9)).mul_(0.5).requires_grad_();
        using var weights = randn(new[] { 2L, 300, 64 }, generator: new Generator(10));
        var results = new (Tensor Output, Tensor Gradient)[2];
        var kernels = new[] { AttentionKernel.ExplicitScores, AttentionKernel.ChunkedScores };
        for (var i = 0; i < kernels.Length; i++)
        {
            using var choice = AttentionKernelChoice.Use(kernels[i]);
            x.grad?.zero_();
            var y = block.forward(x);
            (y * weights).sum().backward();
            results[i] = (y.detach(), x.grad!.clone());
        }
        var outputDifference = (results[0].Output - results[1].Output).abs().max().item<float>();
        var gradientDifference = (results[0].Gradient - results[1].Gradient).abs().max().item<float>();
        output.WriteLine($"300 positions, blocks 128/128/44: |Δ output| {outputDifference:G3}, |Δ input gradient| {gradientDifference:G3}");
        Assert.True(outputDifference < 1e-5 && gradientDifference < 1e-5, $"blocks differ: output {outputDifference:G3}, gradient {gradientDifference:G3}");
    }

    [Theory]
    [InlineData(4L, true)]
    [InlineData(2L, false)] // grouped keys, T5's unscaled scores
    public void Fp32_causal_training_past_the_limit_runs_query_blocks_with_their_own_backward(long keyHeads, bool scaled)
    {
        manual_seed(11);
        using var block = new Attention(new AttentionOptions { Dim = Dim, Heads = 4, KvHeads = keyHeads, Causal = true, Scaled = scaled });
        using var x = randn(new[] { Batch, Length, Dim }, generator: new Generator(12)).mul_(0.5).requires_grad_();
        using var weights = randn(new[] { Batch, Length, Dim }, generator: new Generator(13));
        var results = Torchwright.Tests.AttentionRuns.ForwardBackward(block, x, weights,
            AttentionKernel.Automatic, AttentionKernel.ChunkedScores, AttentionKernel.ExplicitScores);
        Assert.True(results[0].Output.eq(results[1].Output).all().item<bool>(), "fp32 causal training past 32 MB did not run the query blocks");
        var outputDifference = (results[1].Output - results[2].Output).abs().max().item<float>();
        Assert.True(outputDifference < 1e-5, $"blocks and explicit scores differ by {outputDifference:G3} in the output");
        var names = Torchwright.Tests.AttentionRuns.GradientNames;
        for (var j = 0; j < names.Length; j++)
        {
            var scale = results[2].Gradients[j].abs().max().item<float>();
            var difference = (results[1].Gradients[j] - results[2].Gradients[j]).abs().max().item<float>() / scale;
            output.WriteLine($"{names[j]} gradient: largest |blocks − explicit| / largest |explicit| = {difference:G3}");
            Assert.True(difference < 1e-5, $"the {names[j]} gradient of the blocks differs from the explicit kernel's by {difference:G3} of its largest value");
        }
    }

    [Fact]
    public void Bf16_causal_training_past_the_limit_runs_query_blocks_as_accurate_as_autocasts_explicit_scores()
    {
        using var scope = NewDisposeScope();
        manual_seed(14);
        using var block = new Attention(new AttentionOptions { Dim = Dim, Heads = 4, Causal = true });
        using var x = randn(new[] { Batch, Length, Dim }, generator: new Generator(15)).mul_(0.5).requires_grad_();
        using var weights = randn(new[] { Batch, Length, Dim }, generator: new Generator(16));
        var exact = Torchwright.Tests.AttentionRuns.ForwardBackward(block, x, weights, AttentionKernel.ExplicitScores)[0];
        Precisions.Apply(block, Precision.BFloat16Mixed);
        var results = Torchwright.Tests.AttentionRuns.ForwardBackward(block, x, weights,
            AttentionKernel.Automatic, AttentionKernel.ChunkedScores, AttentionKernel.ExplicitScores, AttentionKernel.ScaledDotProduct);
        Assert.True(results[0].Output.eq(results[1].Output).all().item<bool>(), "bf16 causal training past 32 MB did not run the query blocks");

        // Against fp32 the blocks (which keep only bf16 weights for their backward) are as close as explicit scores recorded
        // op by op with an fp32 softmax, as autocast records them; the flash kernel's errors are printed beside them.
        var names = new[] { "output" }.Concat(Torchwright.Tests.AttentionRuns.GradientNames).ToArray();
        Tensor[] Values((Tensor Output, Tensor[] Gradients) run) => new[] { run.Output }.Concat(run.Gradients).ToArray();
        var (exactValues, blockValues, explicitValues, flashValues) = (Values(exact), Values(results[1]), Values(results[2]), Values(results[3]));
        for (var j = 0; j < names.Length; j++)
        {
            var blockError = RelativeError(blockValues[j], exactValues[j]);
            var explicitError = RelativeError(explicitValues[j], exactValues[j]);
            var flashError = RelativeError(flashValues[j], exactValues[j]);
            output.WriteLine($"{names[j]}: |bf16 − fp32| / |fp32|: blocks {blockError:G3}, explicit scores {explicitError:G3}, flash {flashError:G3}");
            Assert.True(blockError <= 1.25 * explicitError, $"the blocks' {names[j]} is {blockError:G3} off fp32 against {explicitError:G3} for explicit scores");
        }
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
