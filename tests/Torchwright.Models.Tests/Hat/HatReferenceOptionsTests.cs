using System.Text;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Generation;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>
/// The reference's attention options: a causal sliding window in the byte encoder and decoder, grouped-query
/// attention, and QK-norm in the word pooling. A window of 8 bytes makes the window bite on short texts.
/// </summary>
[Collection(HatCollection.Name)]
public class HatReferenceOptionsTests(ITestOutputHelper output)
{
    private static readonly HatConfig Windowed = HatTestModels.Tiny with { SlidingWindow = 8, EncoderKvHeads = 2, BackboneKvHeads = 2 };

    private static readonly byte[] Text = Encoding.UTF8.GetBytes("the old sailor finds a red lantern near the harbour");

    [Fact]
    public void Grouped_keys_share_projections()
    {
        using var grouped = HatTestModels.Create(Windowed, seed: 1);
        using var full = HatTestModels.Create(HatTestModels.Tiny, seed: 1);
        output.WriteLine($"parameters: {grouped.ParameterCount:N0} with 2 key/value heads of 4, {full.ParameterCount:N0} with 4");
        Assert.True(grouped.ParameterCount < full.ParameterCount);
    }

    [Fact]
    public void The_window_changes_only_positions_that_reach_past_it()
    {
        using var threads = HatTestModels.OneThread();
        // Same parameter shapes, and the same weights copied over (a seed alone is not enough while other test
        // collections draw from torch's global generator in parallel): the two models differ only in the window.
        using var narrow = HatTestModels.Create(Windowed, seed: 3);
        using var wide = HatTestModels.Create(Windowed with { SlidingWindow = 768 }, seed: 3);
        using var _ = no_grad();
        wide.load_state_dict(narrow.state_dict());
        using var inputs = HatInputs.FromRows(new[] { Text }, Windowed.MaxWordBytes);
        using var narrowLogits = inputs.LogitsOf(narrow);
        using var wideLogits = inputs.LogitsOf(wide);

        var window = Windowed.SlidingWindow;
        var inside = (narrowLogits.narrow(1, 0, window) - wideLogits.narrow(1, 0, window)).abs().max().item<float>();
        var beyond = (narrowLogits.narrow(1, window, Text.Length - window) - wideLogits.narrow(1, window, Text.Length - window)).abs().max().item<float>();
        output.WriteLine($"largest |Δ logit| within the first {window} bytes: {inside:G3}; after them: {beyond:G3}");
        Assert.True(inside < 1e-5, $"logits within the window changed by {inside:G3}");
        Assert.True(beyond > 1e-3, $"logits beyond the window changed by only {beyond:G3}: the window has no effect");
    }

    [Fact]
    public void Cached_and_uncached_generation_agree_under_the_window()
    {
        using var threads = HatTestModels.OneThread();
        using var model = HatTestModels.Create(Windowed, seed: 43);
        var generator = new HatGenerator(model);

        var cached = generator.Generate(Text[..20], 64, Sampling.Greedy, stopAtEndOfText: false);
        var uncached = generator.GenerateUncached(Text[..20], 64, Sampling.Greedy, stopAtEndOfText: false);

        output.WriteLine($"{cached.WordsCompleted} words, {cached.BackboneCalls} backbone calls: {Encoding.UTF8.GetString(cached.Text)}");
        Assert.Equal(uncached, cached.Text);
        Assert.Equal(cached.WordsCompleted, cached.BackboneCalls);
    }
}
