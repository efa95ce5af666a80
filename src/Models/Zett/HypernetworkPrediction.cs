using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Runs a trained hypernetwork for a whole vocabulary against a frozen base model.</summary>
public static class HypernetworkPrediction
{
    /// <summary>Fewest tokens that <see cref="Run"/> gives a call of their own width.</summary>
    public const int SmallestGroup = 128;

    /// <summary>The source matrix <c>[E_in | E_out]</c> of the base model, detached, <c>[V, 2d]</c>.</summary>
    /// <param name="model">The base model.</param>
    public static Tensor Source(ZettLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return cat(new[] { model.InputEmbeddings.detach(), model.OutputEmbeddings.detach() }, 1);
    }

    /// <summary>Predicted embeddings for every token of <paramref name="tokens"/>, in chunks, without gradients.</summary>
    /// <param name="hypernetwork">The trained hypernetwork.</param>
    /// <param name="model">The base model whose embeddings are the source.</param>
    /// <param name="original">The base model's tokenizer, which decomposes the tokens.</param>
    /// <param name="tokens">Token bytes (empty for begin-of-text).</param>
    /// <param name="chunk">Tokens per hypernetwork call.</param>
    public static VocabularyEmbeddings Predict(ZettHypernetwork hypernetwork, ZettLanguageModel model, BpeVocabulary original,
        IReadOnlyList<byte[]> tokens, int chunk = 4096)
    {
        ArgumentNullException.ThrowIfNull(hypernetwork);
        using var _ = no_grad();
        using var pieces = TokenPieces.Decompose(original, tokens, hypernetwork.Config.MaxPieces);
        using var source = Source(model);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (var start = 0; start < pieces.Count; start += chunk)
        {
            using var part = pieces.Rows(start, (int)Math.Min(chunk, pieces.Count - start));
            parts.Add(Run(hypernetwork, part, source));
        }
        var embeddings = VocabularyEmbeddings.FromPredicted(cat(parts, 0));
        return new VocabularyEmbeddings(embeddings.Input.contiguous().MoveToOuterDisposeScope(), embeddings.Output.contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The hypernetwork's <c>[Ê_in | Ê_out]</c> for the original vocabulary itself, each token its own single piece
    /// (what the identity warm-up trains and the output scaler is fitted on), <c>[V, 2d]</c>, with gradients.
    /// </summary>
    /// <param name="hypernetwork">The hypernetwork.</param>
    /// <param name="source">The original <c>[E_in | E_out]</c>, <c>[V, 2d]</c>.</param>
    public static Tensor OriginalVocabulary(ZettHypernetwork hypernetwork, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(hypernetwork);
        ArgumentNullException.ThrowIfNull(source);
        using var scope = NewDisposeScope();
        var count = source.shape[0];
        return hypernetwork.forward(arange(count, dtype: ScalarType.Int64).unsqueeze(1), ones(count, 1, dtype: ScalarType.Bool), source)
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The hypernetwork's <c>[Ê_in | Ê_out]</c> for every token of <paramref name="pieces"/>, <c>[N, 2d]</c>, with
    /// gradients. Tokens are grouped by their number of pieces and each group runs only as wide as its longest
    /// token: padding takes no part in the result (the trunk masks padded keys and pools position 0), and most
    /// tokens of a vocabulary have few pieces, so running every token at the full width L would mostly compute
    /// padding. A group of fewer than <see cref="SmallestGroup"/> tokens joins the next wider one, because at
    /// these sizes a call costs more than the padding it saves.
    /// </summary>
    /// <param name="hypernetwork">The hypernetwork.</param>
    /// <param name="pieces">The tokens' decomposition.</param>
    /// <param name="source">The original <c>[E_in | E_out]</c>.</param>
    public static Tensor Run(ZettHypernetwork hypernetwork, TokenPieces pieces, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(hypernetwork);
        ArgumentNullException.ThrowIfNull(pieces);
        using var scope = NewDisposeScope();
        var width = (int)pieces.Ids.shape[1];
        var byWidth = Enumerable.Range(0, pieces.Counts.Length).GroupBy(t => Math.Min(pieces.Counts[t], width)).OrderBy(g => g.Key).ToList();
        var order = new List<long>(pieces.Counts.Length);
        var parts = new List<Tensor>();
        var pending = new List<long>();
        for (var g = 0; g < byWidth.Count; g++)
        {
            pending.AddRange(byWidth[g].Select(t => (long)t));
            if (pending.Count < SmallestGroup && g < byWidth.Count - 1)
            {
                continue;
            }
            var rows = tensor(pending.ToArray());
            var groupWidth = byWidth[g].Key;
            parts.Add(hypernetwork.forward(pieces.Ids.index_select(0, rows).narrow(1, 0, groupWidth), pieces.Real.index_select(0, rows).narrow(1, 0, groupWidth), source));
            order.AddRange(pending);
            pending.Clear();
        }
        // Back to the tokens' order: row i of the result is token i.
        var inverse = new long[order.Count];
        for (var i = 0; i < order.Count; i++)
        {
            inverse[order[i]] = i;
        }
        return cat(parts, 0).index_select(0, tensor(inverse)).MoveToOuterDisposeScope();
    }
}
