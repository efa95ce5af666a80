using System;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>An input and an output embedding matrix for one vocabulary, to run the base model with.</summary>
/// <param name="Input">Rows of Ê_in, <c>[V, d]</c>.</param>
/// <param name="Output">Rows of Ê_out, <c>[V, d]</c>.</param>
/// <param name="Priors">Each token's log prior, added to its logit (<see cref="TokenPriors"/>), <c>[V]</c>; none for the base model's own rows.</param>
public sealed record VocabularyEmbeddings(Tensor Input, Tensor Output, Tensor? Priors = null) : IDisposable
{
    /// <summary>Splits the hypernetwork's <c>[Ê_in | Ê_out]</c> into the two matrices.</summary>
    /// <param name="predicted">The hypernetwork's result, <c>[V, 2d]</c>.</param>
    public static VocabularyEmbeddings FromPredicted(Tensor predicted)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        var half = predicted.shape[1] / 2;
        return new VocabularyEmbeddings(predicted.narrow(1, 0, half), predicted.narrow(1, half, half));
    }

    /// <summary>The base model's own matrices.</summary>
    /// <param name="model">The base model.</param>
    public static VocabularyEmbeddings Original(ZettLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new VocabularyEmbeddings(model.InputEmbeddings.detach(), model.OutputEmbeddings.detach());
    }

    /// <summary>
    /// The heuristic baseline: each token gets the mean of its original pieces' input and output embeddings.
    /// </summary>
    /// <param name="model">The base model.</param>
    /// <param name="pieces">The vocabulary's decomposition.</param>
    public static VocabularyEmbeddings MeanOfPieces(ZettLanguageModel model, TokenPieces pieces)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pieces);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var weights = pieces.Real.to_type(ScalarType.Float32);
        weights = weights / weights.sum(1, keepdim: true);
        var ids = pieces.Ids.clamp(0, model.InputEmbeddings.shape[0] - 1).flatten();
        Tensor Mean(Tensor table) =>
            (table.index_select(0, ids).view(pieces.Ids.shape[0], pieces.Ids.shape[1], -1) * weights.unsqueeze(2)).sum(1);
        return new VocabularyEmbeddings(Mean(model.InputEmbeddings).MoveToOuterDisposeScope(), Mean(model.OutputEmbeddings).MoveToOuterDisposeScope());
    }

    /// <summary>Number of tokens.</summary>
    public long Count => Input.shape[0];

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Input.Dispose();
        Output.Dispose();
        Priors?.Dispose();
    }
}
