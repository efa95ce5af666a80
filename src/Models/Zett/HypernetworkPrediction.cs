using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Runs a trained hypernetwork for a whole vocabulary against a frozen base model.</summary>
public static class HypernetworkPrediction
{
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
        var parts = new List<Tensor>();
        for (long start = 0; start < pieces.Count; start += chunk)
        {
            var length = Math.Min(chunk, pieces.Count - start);
            parts.Add(hypernetwork.forward(pieces.Ids.narrow(0, start, length), pieces.Real.narrow(0, start, length), source));
        }
        using var predicted = cat(parts, 0);
        foreach (var part in parts)
        {
            part.Dispose();
        }
        var embeddings = VocabularyEmbeddings.FromPredicted(predicted);
        return new VocabularyEmbeddings(embeddings.Input.contiguous(), embeddings.Output.contiguous());
    }
}
