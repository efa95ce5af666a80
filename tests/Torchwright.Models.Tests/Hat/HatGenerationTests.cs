using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Generation;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>Item 4: generation with byte- and word-level key/value caches matches the uncached model, and runs the backbone once per word.</summary>
[Collection(HatCollection.Name)]
public class HatGenerationTests(HatTrainedModels trained, ITestOutputHelper output)
{
    [Theory]
    [InlineData(41, "the qu")]
    [InlineData(42, "Once upon a time, ")]
    public void Cached_and_uncached_greedy_generation_give_the_same_64_bytes(int seed, string prompt)
    {
        using var threads = HatTestModels.OneThread();
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed);
        var generator = new HatGenerator(model);
        var promptBytes = Encoding.UTF8.GetBytes(prompt);
        var words = new List<string>();

        var cached = generator.Generate(promptBytes, 64, Sampling.Greedy, onWord: word => words.Add(Encoding.UTF8.GetString(word)), stopAtEndOfText: false);
        var uncached = generator.GenerateUncached(promptBytes, 64, Sampling.Greedy, stopAtEndOfText: false);

        output.WriteLine($"{cached.WordsCompleted} words completed, {cached.BackboneCalls} backbone calls: {Encoding.UTF8.GetString(cached.Text)}");
        Assert.Equal(promptBytes.Length + 64, cached.Text.Length);
        Assert.Equal(uncached, cached.Text);
        Assert.True(cached.WordsCompleted > 0, "no word was completed: the test would not see the backbone");
        Assert.Equal(cached.WordsCompleted, cached.BackboneCalls);
        Assert.Equal(cached.WordsCompleted, words.Count);
    }

    [Fact]
    public void A_trained_model_writes_the_same_words_with_and_without_caches()
    {
        var model = trained.Models.Hat;
        using var threads = HatTestModels.OneThread();
        var generator = new HatGenerator(model);
        var prompt = Encoding.UTF8.GetBytes(trained.Models.HeldOutText[..40]);
        var words = new List<string>();

        var cached = generator.Generate(prompt, 64, Sampling.Greedy, onWord: word => words.Add(Encoding.UTF8.GetString(word)), stopAtEndOfText: false);
        var uncached = generator.GenerateUncached(prompt, 64, Sampling.Greedy, stopAtEndOfText: false);

        output.WriteLine($"prompt: {Encoding.UTF8.GetString(prompt)}");
        output.WriteLine($"words: {string.Join(" | ", words)} | {Encoding.UTF8.GetString(cached.UnfinishedWord)}");
        output.WriteLine($"{cached.WordsCompleted} words completed, {cached.BackboneCalls} backbone calls");
        Assert.Equal(uncached, cached.Text);
        Assert.True(cached.WordsCompleted >= 5, $"only {cached.WordsCompleted} words in 64 bytes");
        Assert.Equal(cached.WordsCompleted, cached.BackboneCalls);
    }

    [Theory]
    [InlineData("the old sailor finds a red lantern, near the harbour. Then he goes home and writes it down!")]
    [InlineData("camelCase  spaces\nand tabs\tand 3.14, don't stop")]
    public void Cached_steps_give_the_uncached_logits_at_every_position(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 43);
        using var _ = no_grad();
        using var inputs = HatInputs.FromRows(new[] { bytes }, model.Config.MaxWordBytes);
        using var full = inputs.LogitsOf(model);
        const int promptLength = 5;

        using var session = new HatSession(model);
        double worst = 0;
        using (var first = session.Prefill(bytes.AsSpan(0, promptLength)))
        {
            worst = Math.Max(worst, Difference(full[0, promptLength - 1], first));
        }
        int completedAfterPrompt = session.CompletedWords;
        long callsBefore = model.BackboneCalls;
        for (int t = promptLength; t < bytes.Length; t++)
        {
            using var logits = session.Append(bytes[t]);
            worst = Math.Max(worst, Difference(full[0, t], logits));
        }
        output.WriteLine($"largest |cached − uncached| over {bytes.Length} positions: {worst:G3}; {session.CompletedWords} words completed");
        Assert.True(worst < 1e-4, $"cached logits differ from the uncached ones by {worst:G3}");
        Assert.Equal(session.CompletedWords - completedAfterPrompt, model.BackboneCalls - callsBefore);
        Assert.Equal(inputs.WordCounts[0] - 1, session.CompletedWords);
    }

    [Fact]
    public void Multibyte_characters_that_begin_words_are_decoded_again_with_their_words_injection()
    {
        // "日本語" are words of their own: each is recognised after its third byte, when the decoder already saw two.
        const string text = "Grüße aus Köln: 日本語のテキスト, naïve café ÉTÉ.";
        var bytes = Encoding.UTF8.GetBytes(text);
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 44);
        using var _ = no_grad();
        using var inputs = HatInputs.FromRows(new[] { bytes }, model.Config.MaxWordBytes);
        using var full = inputs.LogitsOf(model);
        using var session = new HatSession(model);
        session.Prefill(bytes.AsSpan(0, 1)).Dispose();
        double worst = 0;
        int compared = 0;
        for (int t = 1; t < bytes.Length; t++)
        {
            using var logits = session.Append(bytes[t]);
            // Inside a character the uncached split of a truncated text is not defined the same way; compare at character ends.
            bool characterEnds = t + 1 == bytes.Length || (bytes[t + 1] & 0xC0) != 0x80;
            if (characterEnds)
            {
                worst = Math.Max(worst, Difference(full[0, t], logits));
                compared++;
            }
        }
        output.WriteLine($"largest |cached − uncached| over {compared} character ends: {worst:G3}");
        Assert.True(worst < 1e-4, $"cached logits differ from the uncached ones by {worst:G3}");
        Assert.Equal(inputs.WordCounts[0] - 1, session.CompletedWords);
    }

    [Fact]
    public void Empty_prompts_are_refused()
    {
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 45);
        var error = Assert.Throws<ArgumentException>(() => new HatGenerator(model).Generate(ReadOnlySpan<byte>.Empty, 4, Sampling.Greedy));
        Assert.Contains("at least one byte", error.Message);
    }

    private static double Difference(Tensor expected, Tensor actual)
    {
        using var difference = (expected - actual).abs().max();
        return difference.item<float>();
    }
}
