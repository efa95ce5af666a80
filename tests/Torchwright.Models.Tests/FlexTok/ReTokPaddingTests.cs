using System;
using System.Globalization;
using System.Linq;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Images;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>
/// Check 5 (ReTok's claim): with redundant token padding the second half of the tokens is trained more often and adds
/// more: MSE(N/2) − MSE(N) is larger with padding than without. Both models draw k uniformly (over N without padding,
/// over 2N with it) and are otherwise identical.
/// </summary>
[Collection(FlexTokCollection.Name)]
public class ReTokPaddingTests(TrainedTokenizers trained, ITestOutputHelper output)
{
    private const string NotReproduced = "Not reproduced at the tiny budget (400 steps): over training seeds 7, 8 and 9 the gain MSE(8) − MSE(16) "
        + "(512 images, mean of sampler noise seeds 5–7) is 0.0066 / 0.0027 / 0.0037 with padding against 0.0064 / 0.0092 / 0.0057 without: "
        + "seed 7 ties, 8 and 9 reverse. At this budget 16 tokens carry little beyond the mean colour with or without padding "
        + "(MSE(16)/MSE(1) 0.84–0.89 for these models), so there is little for the tail to add; see docs/models/flextok.md. Remove the Skip to re-run.";

    [Fact(Skip = NotReproduced)]
    public void Padding_makes_the_second_half_of_the_tokens_count_more()
    {
        // A gain of a few thousandths needs more than one 64-image curve: 512 held-out images, three sampler noise seeds.
        using var images = new SyntheticShapes(TrainedTokenizers.Config.LatentSize).Sample(512, new Random(77));
        var gainPlain = Gain(trained.UniformFlexTok, images, "without padding: " + trained.Summary(trained.UniformFlexTok));
        var gainPadded = Gain(trained.PaddedFlexTok, images, "with padding: " + trained.Summary(trained.PaddedFlexTok));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MSE(8) − MSE(16): without padding {gainPlain:F4}, with padding {gainPadded:F4}"));
        Assert.True(gainPadded > gainPlain, $"the gain from tokens 9..16 with padding ({gainPadded:F4}) must exceed the gain without it ({gainPlain:F4})");
    }

    // MSE(8) − MSE(16) averaged over the sampler noise seeds 5–7.
    private double Gain(FlexTokModel model, TorchSharp.torch.Tensor images, string summary)
    {
        output.WriteLine(summary);
        var gains = new[] { 5L, 6L, 7L }.Select(noise =>
        {
            var curve = RateDistortion.Measure(model, images, new[] { 8, 16 }, noiseSeed: noise);
            foreach (var point in curve) output.WriteLine("  noise " + noise + ", " + TrainedTokenizers.Describe(point));
            return curve[0].Mse - curve[1].Mse;
        }).ToList();
        return gains.Average();
    }
}
