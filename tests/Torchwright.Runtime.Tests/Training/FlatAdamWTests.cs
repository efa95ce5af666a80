using System;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Training;

/// <summary>The flat-buffer optimizer takes torch's AdamW steps, and its buffers survive the caller's scopes.</summary>
public class FlatAdamWTests
{
    // Two identical two-layer networks, inputs and targets, all from local generators.
    private static (nn.Module<Tensor, Tensor> A, nn.Module<Tensor, Tensor> B, Tensor X, Tensor Y) Twins()
    {
        using var generator = new Generator(5);
        nn.Module<Tensor, Tensor> Net() => nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3));
        var a = Net();
        var b = Net();
        using (no_grad())
        {
            foreach (var (pa, pb) in a.parameters().Zip(b.parameters()))
            {
                pa.copy_(randn(pa.shape, generator: generator) * 0.3);
                pb.copy_(pa);
            }
        }
        return (a, b, randn(new long[] { 32, 6 }, generator: generator), randn(new long[] { 32, 3 }, generator: generator));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Steps_match_torch_AdamW_with_weight_decay_and_clipping(bool fused)
    {
        var (reference, flat, x, y) = Twins();
        using var adamW = optim.AdamW(reference.parameters(), lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.1);
        using var flatAdamW = new FlatAdamW(flat.parameters(), beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, fused: fused) { LearningRate = 3e-3 };
        // fp32 on the CPU of a Linux x64 machine, where the tests run: the fused kernel is taken when asked for.
        Assert.Equal(fused, flatAdamW.IsFused);
        for (var step = 0; step < 8; step++)
        {
            using var scope = NewDisposeScope();
            nn.functional.mse_loss(reference.call(x), y).backward();
            var referenceNorm = nn.utils.clip_grad_norm_(reference.parameters(), 0.5);
            adamW.step();
            adamW.zero_grad();

            nn.functional.mse_loss(flat.call(x), y).backward();
            var flatNorm = flatAdamW.ClipGradientNorm(0.5);
            flatAdamW.Step();
            flatAdamW.ZeroGrad();

            Assert.Equal(referenceNorm, flatNorm, 5);
        }
        foreach (var ((name, a), b) in reference.named_parameters().Zip(flat.parameters()))
        {
            using var difference = (a - b).abs().max();
            Assert.True(difference.item<float>() < 1e-6, $"{name} differs by {difference.item<float>():G3}");
        }
        Assert.Equal(8, flatAdamW.Steps);
    }

    [Fact]
    public void Buffers_outlive_the_callers_scope_and_gradients_stay_views_of_the_buffer()
    {
        var (_, model, x, y) = Twins();
        FlatAdamW optimizer;
        using (NewDisposeScope())
        {
            optimizer = new FlatAdamW(model.parameters());
        }
        using (optimizer)
        {
            for (var step = 0; step < 3; step++)
            {
                using var scope = NewDisposeScope();
                nn.functional.mse_loss(model.call(x), y).backward();
                Assert.True(optimizer.GradientNorm() > 0, "gradients reach the buffer");
                optimizer.Step();
                optimizer.ZeroGrad();
                Assert.All(model.parameters(), p => Assert.Equal(0f, p.grad!.abs().sum().item<float>()));
            }
            Assert.Equal(model.parameters().Count(), optimizer.Moments.Count);
            Assert.True(optimizer.Moments.All(m => m.AverageSquare.sum().item<float>() > 0), "every parameter has second moments");
        }
    }

    [Fact]
    public void Buffers_the_fused_kernel_cannot_run_take_the_operation_by_operation_step()
    {
        using var model = nn.Linear(3, 2).to(ScalarType.Float64);
        using var optimizer = new FlatAdamW(model.parameters());
        Assert.False(optimizer.IsFused);
        using var x = ones(4, 3, ScalarType.Float64);
        using var before = model.weight!.clone();
        using (NewDisposeScope())
        {
            model.call(x).sum().backward();
            optimizer.Step();
        }
        Assert.True((model.weight! - before).abs().max().item<double>() > 0, "the fp64 step moved the weights");
    }

    [Fact]
    public void Parameters_of_two_dtypes_are_refused_by_name()
    {
        using var a = nn.Linear(2, 2);
        using var b = nn.Linear(2, 2).to(ScalarType.Float64);
        var error = Assert.Throws<ArgumentException>(() => new FlatAdamW(a.parameters().Concat(b.parameters())));
        Assert.Contains("Float64", error.Message, StringComparison.Ordinal);
    }
}
