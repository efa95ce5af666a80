using System.Globalization;
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
    [Fact]
    public void Padding_makes_the_second_half_of_the_tokens_count_more()
    {
        var plain = trained.Curve(trained.UniformFlexTok);
        var padded = trained.Curve(trained.PaddedFlexTok);
        output.WriteLine("without padding: " + trained.Summary(trained.UniformFlexTok));
        foreach (var point in plain) output.WriteLine("  " + TrainedTokenizers.Describe(point));
        output.WriteLine("with padding: " + trained.Summary(trained.PaddedFlexTok));
        foreach (var point in padded) output.WriteLine("  " + TrainedTokenizers.Describe(point));
        double Gain(System.Collections.Generic.IReadOnlyList<Models.FlexTok.RateDistortionPoint> curve) => curve[^2].Mse - curve[^1].Mse;
        var gainPlain = Gain(plain);
        var gainPadded = Gain(padded);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MSE(8) − MSE(16): without padding {gainPlain:F4}, with padding {gainPadded:F4}"));
        Assert.True(gainPadded > gainPlain, $"the gain from tokens 9..16 with padding ({gainPadded:F4}) must exceed the gain without it ({gainPlain:F4})");
    }
}
