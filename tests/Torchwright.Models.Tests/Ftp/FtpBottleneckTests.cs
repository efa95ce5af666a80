using System;
using Torchwright.Models.Ftp;
using Torchwright.Runtime.Losses;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Ftp;

/// <summary>Check 1: h_t sees tokens up to t only, and the decoder's predictions at t see h_t only.</summary>
[Collection(FtpCollection.Name)]
public class FtpBottleneckTests
{
    private static readonly FtpConfig Config = new(Context: 32);

    private static FtpModel Build()
    {
        manual_seed(11);
        var model = new FtpModel(Config);
        model.eval();
        return model;
    }

    private static Tensor RandomTokens(Generator generator, params long[] shape) => randint(0, Config.Vocab, shape, generator: generator);

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(30)]
    public void Top_vectors_ignore_every_token_after_t(int t)
    {
        using var model = Build();
        using var generator = new Generator(21);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = RandomTokens(generator, 2, 32);
        var changed = tokens.clone();
        changed[.., (t + 1)..] = RandomTokens(generator, 2, 31 - t);

        var before = model.encode(tokens);
        var after = model.encode(changed);

        TensorAssert.Close(before[.., ..(t + 1)], after[.., ..(t + 1)], 1e-5, $"h up to t={t}");
        var later = (before[.., (t + 1)..] - after[.., (t + 1)..]).abs().max().item<float>();
        Assert.True(later > 1e-3, $"the later tokens must reach the later top vectors (largest change {later})");
    }

    [Fact]
    public void Decoder_prediction_at_t_reads_only_h_t()
    {
        using var model = Build();
        using var generator = new Generator(22);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var h = randn(new long[] { 2, 16, Config.Dim }, generator: generator);
        var inputs = RandomTokens(generator, 2, 16, Config.Future - 1);
        var before = model.decode(h, inputs);

        for (var other = 0; other < 16; other += 5)
        {
            var perturbed = h.clone();
            perturbed[.., other] += 3 * randn(new long[] { 2, Config.Dim }, generator: generator);
            var after = model.decode(perturbed, inputs);
            for (var t = 0; t < 16; t++)
            {
                var change = (before[.., t] - after[.., t]).abs().max().item<float>();
                if (t == other)
                {
                    Assert.True(change > 1e-3, $"h_{t} must reach the predictions at {t} (largest change {change})");
                }
                else
                {
                    Assert.True(change <= 1e-5, $"changing h_{other} moved the predictions at t={t} by {change}");
                }
            }
        }
    }

    [Fact]
    public void Slot_k_never_sees_its_own_target_or_later_tokens()
    {
        using var model = Build();
        using var generator = new Generator(23);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int length = 24, changedAt = 15;
        var window = RandomTokens(generator, 1, length + 1);
        var changed = window.clone();
        changed[0, changedAt] = (window[0, changedAt] + 1) % Config.Vocab;

        var before = model.forward(window[.., ..length], MultiTokenTargets.Following(window, length, Config.Future));
        var after = model.forward(changed[.., ..length], MultiTokenTargets.Following(changed, length, Config.Future));

        // Slot j at position t predicts x_{t+j+1} from x_0..x_{t+j}: it must not move when a later token changes.
        for (var t = 0; t < length; t++)
        {
            for (var j = 0; j < Config.Future; j++)
            {
                var change = (before[0, t, j] - after[0, t, j]).abs().max().item<float>();
                if (t + j < changedAt)
                {
                    Assert.True(change <= 1e-5, $"slot {j} at t={t} moved by {change} when x_{changedAt} changed");
                }
                else if (t + j == changedAt)
                {
                    Assert.True(change > 1e-4, $"slot {j} at t={t} reads x_{changedAt} and must move (moved {change})");
                }
            }
        }
    }

    [Fact]
    public void All_positions_decode_in_one_batched_call_with_the_documented_shapes()
    {
        using var model = Build();
        using var generator = new Generator(24);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var h = randn(new long[] { 3, 5, Config.Dim }, generator: generator);

        Assert.Equal(new long[] { 3, 5, Config.Vocab }, model.next_token(h).shape);
        Assert.Equal(new long[] { 3, 5, 3, Config.Vocab }, model.decode(h, RandomTokens(generator, 3, 5, 2)).shape);
        TensorAssert.Close(model.next_token(h), model.decode(h, RandomTokens(generator, 3, 5, 2))[.., .., 0], 1e-5, "slot 0 is decoder step 1");
    }

    [Fact]
    public void Too_many_slot_inputs_are_refused_with_the_slot_count()
    {
        using var model = Build();
        using var h = zeros(new long[] { 1, 2, Config.Dim });
        using var inputs = zeros(new long[] { 1, 2, Config.Future }, ScalarType.Int64);
        var error = Assert.Throws<ArgumentException>(() => model.decode(h, inputs));
        Assert.Contains($"{Config.Future} slots", error.Message);
    }

    [Fact]
    public void Gamma_outside_zero_to_one_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FtpConfig(Gamma: 0));
        Assert.Contains("Gamma", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FtpConfig(Future: 0));
    }

    [Fact]
    public void Parameters_have_pytorch_style_names_and_the_baselines_share_the_encoder_layout()
    {
        using var model = Build();
        manual_seed(11);
        using var gpt = new GptBaseline(Config);
        var parameters = new System.Collections.Generic.Dictionary<string, Tensor>();
        foreach (var (name, parameter) in model.named_parameters()) parameters.Add(name, parameter);
        var names = parameters.Keys;
        Assert.Contains("encoder.blocks.0.attn.qkv.weight", names);
        Assert.Contains("expand.weight", names);
        Assert.Contains("start.weight", names);
        Assert.Contains("decoder.0.cross_attn.kv.weight", names);
        Assert.Contains("head.weight", names);
        foreach (var (name, parameter) in gpt.named_parameters())
        {
            if (name.StartsWith("encoder.", StringComparison.Ordinal))
            {
                Assert.True(parameters.TryGetValue(name, out var same), $"FTP has no {name}");
                TensorAssert.Close(parameter, same!, 0, $"initial {name}");
            }
        }
    }
}
