using System.Globalization;
using System.Linq;
using Torchwright.Models.Ftp;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Models.Tests.Ftp;

/// <summary>One-step generation and draft-and-verify on the trained tiny model.</summary>
[Collection(FtpCollection.Name)]
public class FtpDecodingTests(TrainedTopicModels trained, ITestOutputHelper output)
{
    [Fact]
    public void Draft_decoding_returns_exactly_the_one_step_tokens_and_reports_its_acceptance()
    {
        var model = trained.Ftp;
        var (prompt, _) = trained.Data.SampleSequence(16, new System.Random(77));
        const int steps = 40; // 16 + 40 fits the context of 64: the two modes must agree token for token

        var oneStep = FtpDecoding.OneStep(model, prompt, steps);
        var rounds = 0;
        var draft = FtpDecoding.Draft(model, prompt, steps, onRound: round =>
        {
            rounds++;
            Assert.InRange(round.Accepted, 1, round.Draft.Count);
        });

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{draft.Rounds} rounds for {steps} tokens: {draft.TokensPerEncoderCall:F2} tokens per encoder call, acceptance of draft tokens 2..N {draft.AcceptanceRate:P1}"));
        Assert.Equal(oneStep, draft.Tokens);
        Assert.Equal(rounds, draft.Rounds);
        Assert.Equal(steps, draft.Added);
        Assert.Equal(steps, draft.Kept);
        Assert.Equal(draft.Rounds + 1, draft.EncoderCalls);
        Assert.True(draft.Rounds < steps, "no draft token beyond the first was ever kept");
    }

    [Fact]
    public void Sampled_draft_decoding_adds_the_requested_tokens_and_counts_its_rounds()
    {
        var model = trained.Ftp;
        var (prompt, _) = trained.Data.SampleSequence(16, new System.Random(78));
        using var generator = new TorchSharp.torch.Generator(5);
        var sampled = FtpDecoding.Draft(model, prompt, 40, new DraftSampling(1.0, generator));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sampled: {sampled.Rounds} rounds, {sampled.EncoderCalls} encoder calls for 40 tokens, acceptance of draft tokens 2..N {sampled.AcceptanceRate:P1}"));
        Assert.Equal(56, sampled.Tokens.Count);
        Assert.Equal(40, sampled.Added);
        Assert.InRange(sampled.Kept, sampled.Rounds, sampled.Proposed);
        var replacements = sampled.Added - sampled.Kept; // at most one per round, each costing the next round an encoder call
        Assert.InRange(replacements, 0, sampled.Rounds);
        Assert.InRange(sampled.EncoderCalls, sampled.Rounds + 1, sampled.Rounds + 1 + replacements);
        Assert.All(sampled.Tokens, token => Assert.InRange(token, 0, 255));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => new DraftSampling(0, generator));
    }

    [Fact]
    public void Decoding_past_the_context_keeps_going_on_a_sliding_window()
    {
        var model = trained.Ftp;
        var context = model.Config.Context;
        // Longer than the context: every step reads only the last Context tokens, so the first six never matter.
        var prompt = Enumerable.Range(0, context + 6).Select(i => (long)(i * 7 % 200)).ToList();
        var changedOutside = prompt.Select((token, i) => i < 6 ? (token + 101) % 256 : token).ToList();

        var oneStep = FtpDecoding.OneStep(model, prompt, 12);
        var draft = FtpDecoding.Draft(model, prompt, 12);

        Assert.Equal(prompt.Count + 12, oneStep.Count);
        Assert.Equal(prompt.Count + 12, draft.Tokens.Count);
        Assert.Equal(oneStep.Skip(prompt.Count), FtpDecoding.OneStep(model, changedOutside, 12).Skip(prompt.Count));
        Assert.Equal(draft.Tokens.Skip(prompt.Count), FtpDecoding.Draft(model, changedOutside, 12).Tokens.Skip(prompt.Count));
        // The first new token is decoder step 1's argmax after the window of the prompt's last Context tokens.
        using (TorchSharp.torch.no_grad())
        {
            using var window = TorchSharp.torch.tensor(prompt.Skip(prompt.Count - context).ToArray(), new long[] { 1, context });
            using var top = model.encode(window);
            using var last = top.narrow(1, context - 1, 1);
            using var logits = model.next_token(last);
            Assert.Equal(logits[0, 0].argmax().item<long>(), oneStep[prompt.Count]);
        }
        Assert.Throws<System.ArgumentException>(() => FtpDecoding.Draft(model, System.Array.Empty<long>(), 3));
    }
}
