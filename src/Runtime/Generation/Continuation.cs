using System;
using System.Collections.Generic;
using Torchwright.Runtime.Checkpoints;
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
    /// <param name="prompt">The tokens to continue, at least one.</param>
    /// <param name="steps">How many tokens to add, 0 or more.</param>
    /// <param name="context">The longest window the model accepts, at least 1.</param>
    /// <param name="choose">Picks a token from <c>[V]</c> logits, e.g. <see cref="Sampling.Greedy"/>.</param>
    /// <param name="onToken">Called with each new token, for live display.</param>
    /// <exception cref="ArgumentException">The prompt is empty, or <paramref name="steps"/> or <paramref name="context"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="forward"/> returned logits of another shape than <c>[1, T, V]</c>.</exception>
    public static List<long> Extend(Func<Tensor, Tensor> forward, IReadOnlyList<long> prompt, int steps, int context, Func<Tensor, long> choose, Action<long>? onToken = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(choose);
        // An empty window would reach the model as a [1, 0] input and fail somewhere inside it.
        if (prompt.Count == 0)
        {
            throw new ArgumentException("The prompt is empty; a causal model needs at least one token to continue.", nameof(prompt));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 1);

        var tokens = new List<long>(prompt);
        using var _ = no_grad();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var start = Math.Max(0, tokens.Count - context);
            var window = tokens.GetRange(start, tokens.Count - start).ToArray();
            var logits = forward(tensor(window, new long[] { 1, window.Length }));
            // Logits without the batch dimension would make logits[0, -1] a single number, and the choice nonsense.
            if (logits is null || logits.dim() != 3 || logits.shape[0] != 1 || logits.shape[1] == 0)
            {
                throw new InvalidOperationException(
                    $"forward must map [1, {window.Length}] ids to [1, T, V] logits; it returned {(logits is null ? "null" : ShapeText.Format(logits.shape))}.");
            }
            var next = choose(logits[0, -1]);
            tokens.Add(next);
            onToken?.Invoke(next);
        }
        return tokens;
    }
}
