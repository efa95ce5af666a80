using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// Each token's log prior, added to its logit when the base model runs with predicted embeddings: the reference's
/// <c>add_target_priors_to_bias</c>, where the priors are the sampled UnigramLM's scores in training and the target
/// tokenizer's scores at transfer. A BPE tokenizer has no scores, so here they are token frequencies: of the sampled
/// batch in training (as the reference's UnigramLM is fitted to its batch), and of the base model's training text
/// for a tokenizer the model is switched to — never of the text being scored. A prior tells the frozen model how
/// common a token is, which predicted output rows alone convey badly: without priors, most of a held-out
/// tokenizer's gap was probability spent on tokens that never occur in the text.
/// </summary>
/// <remarks>
/// The counts are smoothed by pseudo-counts that are a fixed share of the tokens counted, spread evenly over the
/// vocabulary, so that priors from a training batch (hundreds of tokens) are as sharp as priors from the prior text
/// (about a hundred thousand): add-one on both (the first version) left the training priors flat and the switched
/// model over-confident, identity at 1.048x against 1.038x with the same share on both.
/// </remarks>
public static class TokenPriors
{
    /// <summary>
    /// Log frequencies of the ids <paramref name="sequences"/> hold, <c>[V]</c>: each count plus
    /// <paramref name="pseudoCounts"/> · N / V, N the tokens counted, V the vocabulary size.
    /// </summary>
    /// <param name="sequences">Token ids, each below <paramref name="count"/>.</param>
    /// <param name="count">V, the vocabulary size.</param>
    /// <param name="pseudoCounts">The pseudo-counts as a share of the tokens counted; positive, so unseen tokens keep a finite prior.</param>
    public static Tensor FromSequences(IEnumerable<IReadOnlyList<int>> sequences, int count, double pseudoCounts)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!(pseudoCounts > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(pseudoCounts), pseudoCounts, "The priors' pseudo-counts must be a positive share of the tokens counted.");
        }
        var counts = new double[count];
        foreach (var sequence in sequences)
        {
            foreach (var id in sequence)
            {
                if (id < 0 || id >= count)
                {
                    throw new ArgumentException($"token id {id} is outside the vocabulary of {count}", nameof(sequences));
                }
                counts[id]++;
            }
        }
        var counted = counts.Sum();
        var perToken = pseudoCounts * Math.Max(1, counted) / count;
        var total = counted + perToken * count;
        return tensor(counts.Select(c => (float)Math.Log((c + perToken) / total)).ToArray());
    }

    /// <summary>Priors of <paramref name="vocabulary"/>'s tokens from their frequencies in <paramref name="text"/> under it.</summary>
    /// <param name="vocabulary">The tokenizer.</param>
    /// <param name="text">Text to count on: the base model's training text, not the text to be scored.</param>
    /// <param name="pseudoCounts">The pseudo-counts as a share of the tokens counted.</param>
    public static Tensor Estimate(BpeVocabulary vocabulary, string text, double pseudoCounts)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(text);
        return FromSequences(new[] { (IReadOnlyList<int>)vocabulary.Encode(text) }, vocabulary.Count, pseudoCounts);
    }
}
