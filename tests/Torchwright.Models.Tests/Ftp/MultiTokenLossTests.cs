using System;
using Torchwright.Runtime.Losses;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Ftp;

/// <summary>The general multi-token targets and the γ-weighted cross-entropy with its missing-target mask.</summary>
[Collection(FtpCollection.Name)]
public class MultiTokenLossTests
{
    [Fact]
    public void Following_lists_the_next_tokens_and_marks_the_missing_tail()
    {
        using var sequence = tensor(new long[] { 10, 11, 12, 13, 14 }, new long[] { 1, 5 });
        using var targets = MultiTokenTargets.Following(sequence, 4, 3);
        Assert.Equal(new long[] { 1, 4, 3 }, targets.shape);
        Assert.Equal(new long[] { 11, 12, 13, 12, 13, 14, 13, 14, -1, 14, -1, -1 }, targets.data<long>().ToArray());

        using var full = MultiTokenTargets.Following(sequence, 2, 3);
        Assert.Equal(new long[] { 11, 12, 13, 12, 13, 14 }, full.data<long>().ToArray());
    }

    [Fact]
    public void Following_refuses_a_length_without_targets()
    {
        using var sequence = zeros(new long[] { 2, 5 }, ScalarType.Int64);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MultiTokenTargets.Following(sequence, 5, 2));
        Assert.Contains("length < L = 5", error.Message);
    }

    [Fact]
    public void Loss_is_the_weighted_mean_over_present_targets()
    {
        using var generator = new Generator(3);
        using var scope = NewDisposeScope();
        var logits = randn(new long[] { 2, 3, 2, 5 }, generator: generator);
        var targets = tensor(new long[] { 1, 4, 0, -1, 2, -1, 3, 3, 1, 0, 4, 2 }, new long[] { 2, 3, 2 });
        var weights = new[] { 1.0, 0.5 };

        double sum = 0, norm = 0;
        var logProbabilities = logits.log_softmax(-1);
        for (var b = 0; b < 2; b++)
        for (var t = 0; t < 3; t++)
        for (var k = 0; k < 2; k++)
        {
            var target = targets[b, t, k].item<long>();
            if (target < 0) continue;
            sum += weights[k] * -logProbabilities[b, t, k, target].item<float>();
            norm += weights[k];
        }

        var loss = MultiTokenCrossEntropy.Loss(logits, targets, weights).item<float>();
        Assert.Equal(sum / norm, loss, 5);
    }

    [Fact]
    public void Missing_targets_contribute_neither_loss_nor_gradient()
    {
        using var generator = new Generator(4);
        using var scope = NewDisposeScope();
        var logits = randn(new long[] { 1, 2, 3, 6 }, generator: generator).requires_grad_(true);
        var targets = tensor(new long[] { 1, 2, -1, 3, -1, -1 }, new long[] { 1, 2, 3 });
        MultiTokenCrossEntropy.Loss(logits, targets, MultiTokenCrossEntropy.DecayWeights(3, 0.8)).backward();
        var missing = logits.grad!.abs().sum(-1);
        Assert.Equal(0f, missing[0, 0, 2].item<float>());
        Assert.Equal(0f, missing[0, 1, 1].item<float>());
        Assert.True(missing[0, 1, 0].item<float>() > 0);
    }

    [Fact]
    public void Per_offset_means_pool_present_targets_only()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(new long[] { 1, 2, 2, 4 }); // uniform: every present target costs ln 4
        var targets = tensor(new long[] { 1, -1, 2, -1 }, new long[] { 1, 2, 2 });
        var perOffset = MultiTokenCrossEntropy.PerOffset(logits, targets).data<float>().ToArray();
        Assert.Equal(Math.Log(4), perOffset[0], 5);
        Assert.True(float.IsNaN(perOffset[1]));
    }

    [Fact]
    public void Decay_weights_are_powers_of_gamma_and_bad_settings_are_refused()
    {
        Assert.Equal(new[] { 1, 0.8, 0.64, 0.512 }, MultiTokenCrossEntropy.DecayWeights(4, 0.8), new DoubleTolerance(1e-12));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiTokenCrossEntropy.DecayWeights(4, 1.5));
        using var logits = zeros(new long[] { 1, 2, 3 });
        using var targets = tensor(new long[] { -1, -1 }, new long[] { 1, 2 });
        var error = Assert.Throws<ArgumentException>(() => MultiTokenCrossEntropy.Loss(logits, targets, new[] { 1.0, 1.0 }));
        Assert.Contains("No target is present", error.Message);
        using var wrong = zeros(new long[] { 1, 3 }, ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => MultiTokenCrossEntropy.Loss(logits, wrong, new[] { 1.0, 1.0, 1.0 }));
    }

    private sealed class DoubleTolerance(double tolerance) : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
