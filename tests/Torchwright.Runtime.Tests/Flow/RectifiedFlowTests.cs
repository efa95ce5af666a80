using System;
using Torchwright.Runtime.Flow;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Flow;

public class RectifiedFlowTests(ITestOutputHelper output)
{
    [Fact]
    public void Logit_normal_times_are_in_the_open_unit_interval_and_centred()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var times = RectifiedFlow.LogitNormalTimes(20_000, generator);
        var mean = times.mean().item<float>();
        var logits = (times / (1 - times)).log();
        output.WriteLine($"mean t {mean:F4}, logit mean {logits.mean().item<float>():F4}, logit std {logits.std().item<float>():F4}");
        Assert.True(times.gt(0).all().item<bool>() && times.lt(1).all().item<bool>());
        Assert.InRange(mean, 0.49, 0.51);
        Assert.InRange(logits.std().item<float>(), 0.97, 1.03);
        var shifted = RectifiedFlow.LogitNormalTimes(20_000, generator, mean: 1);
        Assert.True(shifted.mean().item<float>() > 0.65, "a positive logit mean favours noisier times");
    }

    [Fact]
    public void The_path_runs_from_data_to_noise_with_constant_velocity()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        var clean = randn(new long[] { 3, 2, 4 }, generator: generator);
        var noise = randn(new long[] { 3, 2, 4 }, generator: generator);
        var start = RectifiedFlow.Interpolate(clean, noise, zeros(3));
        var end = RectifiedFlow.Interpolate(clean, noise, ones(3));
        Assert.True(start.allclose(clean) && end.allclose(noise));
        var t = tensor(new[] { 0.2f, 0.5f, 0.9f });
        const float dt = 1e-2f;
        var finite = (RectifiedFlow.Interpolate(clean, noise, t + dt) - RectifiedFlow.Interpolate(clean, noise, t)) / dt;
        Assert.True(finite.allclose(RectifiedFlow.Velocity(clean, noise), 1e-3, 1e-3), "d x_t / dt must equal ε − x₀");
        var error = Assert.Throws<ArgumentException>(() => RectifiedFlow.Interpolate(clean, noise, zeros(2)));
        Assert.Contains("one time per sample", error.Message);
    }

    [Fact]
    public void Euler_with_the_exact_velocity_recovers_the_data_in_one_step_or_many()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var clean = randn(new long[] { 4, 6 }, generator: generator);
        var noise = randn(new long[] { 4, 6 }, generator: generator);
        foreach (var steps in new[] { 1, 8 })
        {
            var calls = 0;
            var sample = EulerSampler.Sample((x, t) =>
            {
                calls++;
                Assert.Equal(4, t.shape[0]);
                return noise - clean; // straight path: the true velocity is constant
            }, noise, steps);
            Assert.Equal(steps, calls);
            Assert.True(sample.allclose(clean, 1e-5, 1e-5), $"{steps} steps must land on the data");
        }
    }

    [Fact]
    public void Euler_visits_times_from_one_down_to_one_over_steps()
    {
        using var scope = NewDisposeScope();
        var seen = new System.Collections.Generic.List<float>();
        using var sample = EulerSampler.Sample((x, t) => { seen.Add(t[0].item<float>()); return zeros_like(x); }, ones(1, 2), 4);
        Assert.Equal(new[] { 1f, 0.75f, 0.5f, 0.25f }, seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => EulerSampler.Sample((x, t) => x, ones(1, 2), 0));
    }

    [Fact]
    public void Guidance_extrapolates_from_the_unconditional_velocity()
    {
        using var scope = NewDisposeScope();
        var conditional = tensor(new[] { 1f, 2f });
        var unconditional = tensor(new[] { 0f, 1f });
        Assert.True(EulerSampler.Guided(conditional, unconditional, 1).allclose(conditional));
        Assert.True(EulerSampler.Guided(conditional, unconditional, 3).allclose(tensor(new[] { 3f, 4f })));
        Assert.True(EulerSampler.Guided(conditional, unconditional, 0).allclose(unconditional));
    }

    [Fact]
    public void Timestep_features_are_sinusoids_that_separate_times()
    {
        using var scope = NewDisposeScope();
        var features = TimestepEmbedding.Sinusoidal(tensor(new[] { 0f, 0.5f, 0.51f }), 16);
        Assert.Equal(new long[] { 3, 16 }, features.shape);
        Assert.True(features[0, ..8].allclose(ones(8)) && features[0, 8..].allclose(zeros(8)), "t = 0 gives cos 1, sin 0");
        var norms = features.norm(1);
        Assert.True(norms.allclose(full(3, Math.Sqrt(8)), 1e-4, 1e-4), "each frequency contributes a unit (cos, sin) pair");
        Assert.True((features[1] - features[2]).abs().max().item<float>() > 0.1, "nearby times must differ");
        Assert.Throws<ArgumentOutOfRangeException>(() => TimestepEmbedding.Sinusoidal(zeros(2), 7));
    }
}
