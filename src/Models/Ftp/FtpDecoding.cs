using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>
/// Generation with an <see cref="FtpModel"/>, greedy or sampled: one token per encoder call through decoder step 1
/// (<see cref="OneStep"/>), or draft-and-verify (<see cref="Draft"/>): the decoder proposes up to N tokens from
/// one top vector, a single encoder call over the sequence plus the draft yields the top vector after every draft
/// token, and the longest prefix that decoder step 1 agrees with is kept.
/// </summary>
/// <remarks>
/// Both read at most <c>Context</c> tokens. While the whole sequence plus a draft fits in the context, greedy draft
/// decoding returns exactly the tokens of greedy one-step decoding (the encoder is causal, so the top vector at a kept token
/// does not depend on the rejected ones after it). Beyond that, verification runs on a window that ends at the
/// draft's last token, shifted by up to N−1 tokens from the one-step window, so the outputs may differ.
/// </remarks>
public static class FtpDecoding
{
    /// <summary>Appends <paramref name="steps"/> tokens, one encoder call and one decoder step each.</summary>
    /// <param name="model">The model; put it in evaluation mode first.</param>
    /// <param name="prompt">At least one token.</param>
    /// <param name="steps">Tokens to add.</param>
    /// <param name="sampling">Null for greedy decoding; otherwise the temperature and random source of sampling.</param>
    /// <param name="onToken">Called with each new token, for live display.</param>
    /// <returns>The prompt followed by the new tokens.</returns>
    public static List<long> OneStep(FtpModel model, IReadOnlyList<long> prompt, int steps, DraftSampling? sampling = null, Action<long>? onToken = null)
    {
        Check(model, prompt, steps);
        var tokens = new List<long>(prompt);
        using var noGrad = no_grad();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var h = model.encode(Window(tokens, model.Config.Context));
            var logits = model.next_token(h.narrow(1, h.shape[1] - 1, 1))[0, 0];
            var next = sampling is null
                ? logits.argmax().item<long>()
                : multinomial((logits / sampling.Temperature).softmax(-1), 1, generator: sampling.Generator).item<long>();
            tokens.Add(next);
            onToken?.Invoke(next);
        }
        return tokens;
    }

    /// <summary>
    /// Appends <paramref name="steps"/> tokens in draft-and-verify rounds: per round, up to N tokens drafted by the
    /// decoder from the last top vector, one encoder call over the sequence and the draft, one batched decoder step
    /// to check draft tokens 2..n, and the agreed prefix kept (the first draft token is decoder step 1 itself, so it
    /// is always kept).
    /// </summary>
    /// <remarks>
    /// Greedy (<paramref name="sampling"/> null): a draft token is kept while it equals decoder step 1's argmax, so
    /// the output is that of <see cref="OneStep"/>. Sampled: the draft is drawn from the decoder's slots (q) and token
    /// y is kept with probability <c>min(1, p(y)/q(y))</c>, p being decoder step 1's distribution; at the first
    /// rejection a token is drawn from <c>max(0, p − q)</c> renormalised and the round ends — the speculative-sampling
    /// rule, which leaves every token distributed exactly as one-step sampling would. That token has no top vector
    /// yet, so the next round starts with one extra encoder call.
    /// </remarks>
    /// <param name="model">The model; put it in evaluation mode first.</param>
    /// <param name="prompt">At least one token.</param>
    /// <param name="steps">Tokens to add.</param>
    /// <param name="sampling">Null for greedy decoding; otherwise the temperature and random source of sampling.</param>
    /// <param name="onRound">Called after each round with its draft and how many of its tokens were kept.</param>
    public static DraftDecoding Draft(FtpModel model, IReadOnlyList<long> prompt, int steps, DraftSampling? sampling = null, Action<DraftRound>? onRound = null)
    {
        Check(model, prompt, steps);
        var tokens = new List<long>(prompt);
        int rounds = 0, proposed = 0, kept = 0, added = 0, encoderCalls = 0;
        using var noGrad = no_grad();
        Tensor? last = null;
        try
        {
            while (added < steps)
            {
                if (last is null)
                {
                    last = LastTopVector(model, tokens);
                    encoderCalls++;
                }
                var length = Math.Min(model.Config.Future, steps - added);
                var (draft, draftProbabilities) = Propose(model, last, length, sampling);
                var verdict = Verify(model, tokens, draft, draftProbabilities, sampling);
                encoderCalls++;
                draftProbabilities?.Dispose();
                last.Dispose();
                last = verdict.Last;
                // A replacement only follows a rejected draft token, so it still fits in the steps left.
                tokens.AddRange(draft.Take(verdict.Accepted));
                if (verdict.Replacement is { } replacement)
                {
                    tokens.Add(replacement);
                }
                rounds++;
                proposed += length;
                kept += verdict.Accepted;
                added += verdict.Accepted + (verdict.Replacement is null ? 0 : 1);
                onRound?.Invoke(new DraftRound(draft, verdict.Accepted, verdict.Replacement));
            }
        }
        finally
        {
            last?.Dispose();
        }
        return new DraftDecoding(tokens, rounds, proposed, kept, added, encoderCalls);
    }

    // The decoder's continuation of one top vector, token by token through its causal slots; with sampling, also
    // the draft distribution of every slot, [n, V].
    private static (long[] Draft, Tensor? Probabilities) Propose(FtpModel model, Tensor last, int length, DraftSampling? sampling)
    {
        var draft = new long[length];
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>(length);
        for (var j = 0; j < length; j++)
        {
            var inputs = tensor(draft.Take(j).ToArray(), new long[] { 1, 1, j });
            var logits = model.decode(last, inputs)[0, 0, j];
            if (sampling is null)
            {
                draft[j] = logits.argmax().item<long>();
            }
            else
            {
                var probabilities = (logits / sampling.Temperature).softmax(-1);
                draft[j] = multinomial(probabilities, 1, generator: sampling.Generator).item<long>();
                rows.Add(probabilities);
            }
        }
        return (draft, sampling is null ? null : stack(rows).MoveToOuterDisposeScope());
    }

    // One encoder call over the sequence plus the whole draft; decoder step 1 at draft tokens 1..n−1 checks tokens 2..n.
    private static Verdict Verify(FtpModel model, List<long> tokens, long[] draft, Tensor? draftProbabilities, DraftSampling? sampling)
    {
        using var scope = NewDisposeScope();
        var extended = new List<long>(tokens.Count + draft.Length);
        extended.AddRange(tokens);
        extended.AddRange(draft);
        var h = model.encode(Window(extended, model.Config.Context));
        var first = h.shape[1] - draft.Length; // window index of draft token 1
        var accepted = 1;
        long? replacement = null;
        if (draft.Length > 1)
        {
            var logits = model.next_token(h.narrow(1, first, draft.Length - 1))[0];
            if (sampling is null)
            {
                var checks = logits.argmax(-1).data<long>().ToArray();
                while (accepted < draft.Length && checks[accepted - 1] == draft[accepted]) accepted++;
            }
            else
            {
                var target = (logits / sampling.Temperature).softmax(-1);
                while (accepted < draft.Length)
                {
                    var p = target[accepted - 1];
                    var q = draftProbabilities![accepted];
                    var ratio = p[draft[accepted]].item<float>() / q[draft[accepted]].item<float>();
                    if (rand(1, generator: sampling.Generator).item<float>() < ratio)
                    {
                        accepted++;
                        continue;
                    }
                    var residual = (p - q).clamp_min(0);
                    var total = residual.sum().item<float>();
                    replacement = multinomial(total > 0 ? residual / total : p, 1, generator: sampling.Generator).item<long>();
                    break;
                }
            }
        }
        // After a replacement token the last top vector is unknown until the next encoder call.
        var last = replacement is null ? h.narrow(1, first + accepted - 1, 1).clone().MoveToOuterDisposeScope() : null;
        return new Verdict(accepted, replacement, last);
    }

    private sealed record Verdict(int Accepted, long? Replacement, Tensor? Last);

    private static Tensor LastTopVector(FtpModel model, List<long> tokens)
    {
        using var scope = NewDisposeScope();
        var h = model.encode(Window(tokens, model.Config.Context));
        return h.narrow(1, h.shape[1] - 1, 1).clone().MoveToOuterDisposeScope();
    }

    private static Tensor Window(List<long> tokens, int context)
    {
        var start = Math.Max(0, tokens.Count - context);
        var window = tokens.GetRange(start, tokens.Count - start).ToArray();
        return tensor(window, new long[] { 1, window.Length });
    }

    private static void Check(FtpModel model, IReadOnlyList<long> prompt, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0) throw new ArgumentException("The prompt needs at least one token.", nameof(prompt));
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of tokens to add must not be negative.");
    }
}

/// <summary>The temperature and random source of sampled draft-and-verify decoding.</summary>
/// <param name="Temperature">Divides the logits before the softmax; above zero.</param>
/// <param name="Generator">Draws the draft tokens, the acceptance tests and the replacements.</param>
public sealed record DraftSampling(double Temperature, Generator Generator)
{
    /// <summary>Above zero.</summary>
    public double Temperature { get; init; } = Temperature > 0
        ? Temperature
        : throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature must be above zero; use greedy decoding (no sampling) for zero.");
}

/// <summary>One draft-and-verify round.</summary>
/// <param name="Draft">The tokens the decoder proposed.</param>
/// <param name="Accepted">How many of them, from the start, were kept (at least 1).</param>
/// <param name="Replacement">With sampling, the token drawn in place of the first rejected one, else null.</param>
public sealed record DraftRound(IReadOnlyList<long> Draft, int Accepted, long? Replacement = null);

/// <summary>The result of <see cref="FtpDecoding.Draft"/>.</summary>
/// <param name="Tokens">The prompt followed by the new tokens.</param>
/// <param name="Rounds">Draft-and-verify rounds.</param>
/// <param name="Proposed">Draft tokens proposed over all rounds.</param>
/// <param name="Kept">Draft tokens kept over all rounds.</param>
/// <param name="Added">New tokens: kept draft tokens plus, with sampling, replacements.</param>
/// <param name="EncoderCalls">Encoder calls made; one-step decoding makes one per new token.</param>
public sealed record DraftDecoding(IReadOnlyList<long> Tokens, int Rounds, int Proposed, int Kept, int Added, int EncoderCalls)
{
    /// <summary>New tokens per encoder call (one-step decoding has 1).</summary>
    public double TokensPerEncoderCall => EncoderCalls == 0 ? 0 : (double)Added / EncoderCalls;

    /// <summary>
    /// The fraction of speculative draft tokens kept: tokens 2..n of each draft, since token 1 is decoder step 1
    /// itself and always kept. NaN when no draft had more than one token.
    /// </summary>
    public double AcceptanceRate => Proposed == Rounds ? double.NaN : (double)(Kept - Rounds) / (Proposed - Rounds);
}
