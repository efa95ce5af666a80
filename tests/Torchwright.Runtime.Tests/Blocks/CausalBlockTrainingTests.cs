using System;
using TorchSharp;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>
/// Plain causal fp32 attention that records gradients runs in causal query blocks with a backward of their own whenever
/// oneDNN multiplies the blocks' products (more than one thread, products large enough), even where its scores would fit
/// the explicit kernel: there it is the faster of the two (1.13–1.17x per layer, about 1.06x per training step of the
/// medium byte GPT). With one thread, or products too small for oneDNN, explicit scores stay. Both give the explicit
/// kernel's outputs and gradients.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class CausalBlockTrainingTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(2, 8L, 128L, true)] // the medium GPT's layer: one block of 128, products of 33.5M multiply-adds
    [InlineData(1, 8L, 128L, false)] // one thread: MKL, where one block is no faster than explicit scores
    [InlineData(2, 2L, 128L, false)] // 2 × 4 pairs: products of 8.4M multiply-adds, where the blocks lost to explicit scores
    [InlineData(2, 1L, 64L, false)] // 1 × 4 pairs, T=64, head width 32: products of 0.5M multiply-adds
    public void Plain_causal_training_takes_the_blocks_where_onednn_multiplies_them(int threads, long batch, long length, bool blocks)
    {
        Assert.True(OneDnnMatmul.Available, "this test runs where libtorch exports oneDNN's matmul (Linux x64)");
        using var restore = Torchwright.Tests.TorchThreads.Use(threads);
        manual_seed(21);
        using var attention = new Attention(new AttentionOptions { Dim = length == 64 ? 128 : 256, Heads = 4, Causal = true });
        var dim = attention.Options.Dim;
        using var x = randn(new[] { batch, length, dim }, generator: new Generator(22)).mul_(0.5).requires_grad_();
        using var weights = randn(new[] { batch, length, dim }, generator: new Generator(23));
        var kernels = new[] { AttentionKernel.Automatic, blocks ? AttentionKernel.ChunkedScores : AttentionKernel.ExplicitScores, AttentionKernel.ExplicitScores };
        var results = Torchwright.Tests.AttentionRuns.ForwardBackward(attention, x, weights, kernels);

        var names = Torchwright.Tests.AttentionRuns.GradientNames;

        // The automatic choice gives the bits of the kernel it should have taken.
        Assert.True(results[0].Output.eq(results[1].Output).all().item<bool>(), $"{threads} thread(s), B={batch}, T={length}: automatic did not run {kernels[1]}");
        for (var j = 0; j < names.Length; j++)
        {
            Assert.True(results[0].Gradients[j].eq(results[1].Gradients[j]).all().item<bool>(), $"the {names[j]} gradient is not {kernels[1]}'s");
        }

        // And what it took agrees with explicit scores, recorded op by op.
        var outputDifference = (results[0].Output - results[2].Output).abs().max().item<float>();
        Assert.True(outputDifference < Tolerance, $"the output differs from explicit scores' by {outputDifference:G3}");
        for (var j = 0; j < names.Length; j++)
        {
            var scale = results[2].Gradients[j].abs().max().item<float>();
            var difference = (results[0].Gradients[j] - results[2].Gradients[j]).abs().max().item<float>() / scale;
            output.WriteLine($"{threads} thread(s), B={batch}, T={length}, {kernels[1]}: {names[j]} gradient, largest |automatic − explicit| / largest |explicit| = {difference:G3}");
            Assert.True(difference < Tolerance, $"the {names[j]} gradient differs from explicit scores' by {difference:G3} of its largest value");
        }
    }
}
