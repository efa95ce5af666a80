using System;
using System.Linq;
using System.Text;
using Torchwright.Models.Hat;
using Torchwright.Models.Tests.Hat;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// HAT generation through captured step plans (encoder and decoder per byte, backbone per word): a session on the
/// plans gives the uncached model's logits at every position, re-decoding the bytes of words recognised late; the
/// plans serve one session after another; a text beyond their capacity is refused by name.
/// </summary>
public class HatStepPlanTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("the old sailor finds a red lantern, near the harbour.", 5)]
    [InlineData("Grüße aus Köln: 日本語のテキスト, naïve café.", 1)]
    public void A_session_on_captured_steps_gives_the_uncached_logits(string text, int promptLength)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 45);
        model.eval();
        using var _ = no_grad();
        using var inputs = HatInputs.FromRows(new[] { bytes }, model.Config.MaxWordBytes);
        using var full = inputs.LogitsOf(model);
        using var plans = new HatStepPlans(model, bytes: 96, words: 32);

        double worst = 0;
        var compared = 0;
        for (var round = 0; round < 2; round++) // the second session reuses the plans
        {
            using var session = new HatSession(plans);
            using (var first = session.Prefill(bytes.AsSpan(0, promptLength)))
            {
                worst = Math.Max(worst, Difference(full[0, promptLength - 1], first));
            }
            for (var t = promptLength; t < bytes.Length; t++)
            {
                using var logits = session.Append(bytes[t]);
                // Inside a multi-byte character the uncached split of a cut text differs; compare at character ends.
                if (t + 1 == bytes.Length || (bytes[t + 1] & 0xC0) != 0x80)
                {
                    worst = Math.Max(worst, Difference(full[0, t], logits));
                    compared++;
                }
            }
            Assert.Equal(inputs.WordCounts[0] - 1, session.CompletedWords);
        }
        var steps = plans.Plans.Select(plan => plan.Length).ToArray();
        output.WriteLine($"largest |captured − uncached| over {compared} positions in two sessions: {worst:G3}; encoder/backbone/decoder positions {string.Join("/", steps)}");
        Assert.True(worst < 1e-4, $"captured logits differ from the uncached ones by {worst:G3}");
    }

    [Fact]
    public void Steps_keep_their_buffers_and_a_text_beyond_the_capacity_is_refused()
    {
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 46);
        model.eval();
        using var _ = no_grad();
        using var plans = new HatStepPlans(model, bytes: 16, words: 8);
        var addresses = plans.Plans.Select(plan => plan.DataAddresses()).ToArray();
        long live = 0;
        for (var round = 0; round < 2; round++) // the first round builds the eager glue's cached masks
        {
            live = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using var session = new HatSession(plans);
            session.Prefill("a b c d"u8).Dispose();
            for (var i = 0; i < 9; i++)
            {
                session.Append((byte)'e').Dispose();
            }
            var full = Assert.Throws<InvalidOperationException>(() => session.Append((byte)'f'));
            output.WriteLine(full.Message);
            Assert.Contains("the byte caches hold 16 positions and 16 are used", full.Message);
            Assert.Equal(16, session.Text.Count); // the refused byte changed nothing
        }
        Assert.Equal(addresses, plans.Plans.Select(plan => plan.DataAddresses()).ToArray());
        Assert.Equal(live, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        using var fewWords = new HatStepPlans(model, bytes: 32, words: 2);
        using var words = new HatSession(fewWords);
        var tooMany = Assert.Throws<InvalidOperationException>(() => words.Prefill("the old sailor finds"u8));
        output.WriteLine(tooMany.Message);
        Assert.Contains("the word cache holds 2 words", tooMany.Message);
        Assert.Empty(words.Text);
    }

    private static double Difference(Tensor expected, Tensor actual)
    {
        using var difference = (expected - actual).abs().max();
        return difference.item<float>();
    }
}
