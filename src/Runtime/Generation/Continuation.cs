using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Generation;

/// <summary>Extends a token sequence one token at a time with a causal model.</summary>
public static class Continuation
{
    /// <summary>
    /// Runs <paramref name="forward"/> on the last <paramref name="context"/> tokens and appends the token that
    /// <paramref name="choose"/> picks from the last position's logits, <paramref name="steps"/> times, without gradients.
    /// </summary>
    /// <param name="forward">Maps <c>[1, T]</c> token ids to <c>[1, T, V]</c> logits.</param>
    /// <param name="prompt">The tokens to continue.</param>
    /// <param name="steps">How many tokens to add.</param>
    /// <param name="context">The longest window the model accepts.</param>
    /// <param name="choose">Picks a token from <c>[V]</c> logits, e.g. <see cref="Sampling.Greedy"/>.</param>
    /// <param name="onToken">Called with each new token, for live display.</param>
    public static List<long> Extend(Func<Tensor, Tensor> forward, IReadOnlyList<long> prompt, int steps, int context, Func<Tensor, long> choose, Action<long>? onToken = null)
    {
        var tokens = new List<long>(prompt);
        using var _ = no_grad();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var start = Math.Max(0, tokens.Count - context);
            var window = tokens.GetRange(start, tokens.Count - start).ToArray();
            var logits = forward(tensor(window, new long[] { 1, window.Length }));
            var next = choose(logits[0, -1]);
            tokens.Add(next);
            onToken?.Invoke(next);
        }
        return tokens;
    }
}
