using System;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Flow;
using Torchwright.Runtime.Images;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>Tokenize and detokenize for every k, and clear errors for bad input (untrained weights suffice).</summary>
[Collection(FlexTokCollection.Name)]
public class TokenizerContractTests
{
    private static FlexTokModel Build(FlexTokConfig? config = null)
    {
        manual_seed(41);
        var model = new FlexTokModel(config ?? TrainedTokenizers.Config);
        model.eval();
        return model;
    }

    [Fact]
    public void Every_prefix_length_round_trips_to_an_image()
    {
        using var model = Build(TrainedTokenizers.Config with { RedundantRegisters = 8 });
        using var scope = NewDisposeScope();
        var images = new SyntheticShapes().Sample(3, new Random(1));
        var all = model.Tokenize(images);
        Assert.Equal(new long[] { 3, 16 }, all.shape);
        Assert.True(all.ge(0).all().item<bool>() && all.lt(1000).all().item<bool>(), "ids must be FSQ indices in [0, 1000)");
        for (var k = 1; k <= 16; k++)
        {
            var ids = model.Tokenize(images, k);
            Assert.True(ids.eq(all[.., ..k]).all().item<bool>(), $"the first {k} ids must be a prefix of all ids");
            using var generator = new Generator(7);
            var image = model.Detokenize(ids, steps: 2, generator: generator);
            Assert.Equal(images.shape, image.shape);
            Assert.True(image.isfinite().all().item<bool>());
        }
    }

    [Fact]
    public void Guidance_one_equals_the_conditional_sampler_and_other_scales_differ()
    {
        using var model = Build();
        using var scope = NewDisposeScope();
        var images = new SyntheticShapes().Sample(2, new Random(2));
        var ids = model.Tokenize(images, 4);
        // Give the adaLN projections some weight so the time and null condition matter.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.Contains(".ada.", StringComparison.Ordinal)) parameter.normal_(0, 0.05);
            }
        }
        Tensor Sample(double guidance)
        {
            using var generator = new Generator(9);
            return model.Detokenize(ids, 3, generator, guidance);
        }
        // The conditional-only sampler written out with the public pieces: codes of the k ids, the rest masked,
        // the same starting noise, and Euler steps on the conditional velocity alone.
        Tensor ConditionalOnly()
        {
            using var generator = new Generator(9);
            var config = model.Config;
            var codes = zeros(new long[] { 2, config.Tokens, config.CodeDim });
            codes.narrow(1, 0, 4).copy_(model.Quantizer.IndicesToCodes(ids));
            var condition = model.conditioning(codes, full(new long[] { 2 }, 4L, dtype: ScalarType.Int64));
            var noise = randn(new long[] { 2, config.Patches, config.PatchDim }, generator: generator);
            var patches = EulerSampler.Sample((x, t) => model.velocity(x, condition, t), noise, 3);
            return model.Latents.Decode(Patches.Unpatchify(patches, config.Channels, config.LatentSize, config.LatentSize, config.Patch));
        }
        using var conditional = ConditionalOnly();
        using var sameNoise = new Generator(9);
        using var unconditional = model.Detokenize(ids, 3, sameNoise, guidance: 0); // the null condition alone
        Assert.False(conditional.allclose(unconditional, 1e-4, 1e-4), "precondition: the condition must change the sample");
        Assert.True(Sample(1).allclose(conditional, 1e-5, 1e-6), "guidance 1 must equal the conditional-only sampler");
        Assert.False(Sample(1).allclose(Sample(3), 1e-4, 1e-4), "guidance 3 must move the sample");
    }

    [Fact]
    public void Bad_inputs_name_the_problem()
    {
        using var model = Build();
        using var scope = NewDisposeScope();
        var images = new SyntheticShapes().Sample(1, new Random(3));
        var count = Assert.Throws<ArgumentOutOfRangeException>(() => model.Tokenize(images, 17));
        Assert.Contains("1 to 16 tokens", count.Message);
        var shape = Assert.ThrowsAny<Exception>(() => model.Tokenize(zeros(1, 3, 12, 12)));
        Assert.Contains("latents", shape.Message);
        Assert.Contains("LatentSize", shape.Message);
        var ids = Assert.Throws<ArgumentOutOfRangeException>(() => model.Detokenize(tensor(new long[,] { { 0, 1000 } })));
        Assert.Contains("[0, 1000)", ids.Message);
        var rank = Assert.Throws<ArgumentException>(() => model.Detokenize(tensor(new long[] { 1, 2 })));
        Assert.Contains("[B, k]", rank.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlexTokConfig(Patch: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlexTokConfig(RedundantRegisters: 17));
    }

    [Fact]
    public void Hierarchical_weights_decrease_from_early_to_late_tokens()
    {
        using var scope = NewDisposeScope();
        var weights = FlexTokObjective.HierarchicalWeights(arange(1, 17, dtype: ScalarType.Int64), 16);
        Assert.Equal(1f, weights[0].item<float>());
        Assert.True(weights[1..].lt(weights[..^1]).all().item<bool>(), "w(k) must be strictly decreasing");
        Assert.True(weights.gt(0).all().item<bool>());
    }
}
