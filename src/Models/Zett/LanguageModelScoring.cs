using System;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Runs the frozen base model with the embeddings of any vocabulary, softmax restricted to that vocabulary.</summary>
public static class LanguageModelScoring
{
    /// <summary>Next-token logits over the vocabulary of <paramref name="embeddings"/>, its priors added when it has them, <c>[B, T, V]</c>.</summary>
    /// <param name="model">The base model.</param>
    /// <param name="embeddings">The vocabulary's input and output matrices.</param>
    /// <param name="inputs">Ids into that vocabulary, <c>[B, T]</c>.</param>
    public static Tensor Logits(ZettLanguageModel model, VocabularyEmbeddings embeddings, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(inputs);
        var count = embeddings.Count;
        if (embeddings.Input.shape[1] != model.Config.Dim || embeddings.Output.shape[1] != model.Config.Dim)
        {
            throw new ArgumentException($"embeddings are [{count}, {embeddings.Input.shape[1]}] / [{count}, {embeddings.Output.shape[1]}]; the model needs width {model.Config.Dim}", nameof(embeddings));
        }
        if (embeddings.Priors is { } given && (given.dim() != 1 || given.shape[0] != count))
        {
            throw new ArgumentException($"priors have shape [{string.Join(", ", given.shape)}]; the vocabulary needs [{count}]", nameof(embeddings));
        }
        if (inputs.numel() > 0 && (inputs.max().item<long>() >= count || inputs.min().item<long>() < 0))
        {
            throw new ArgumentException($"inputs hold ids outside the vocabulary of {count} tokens", nameof(inputs));
        }
        using var scope = NewDisposeScope();
        var embedded = embeddings.Input.index_select(0, inputs.flatten()).view(inputs.shape[0], inputs.shape[1], -1);
        var hidden = model.trunk(embedded);
        var logits = hidden.matmul(embeddings.Output.t());
        if (embeddings.Priors is { } priors)
        {
            logits.add_(priors); // in place: the product's backward reads its inputs, not its result
        }
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>Mean next-token cross-entropy in nats over the batch's real targets.</summary>
    /// <param name="model">The base model.</param>
    /// <param name="embeddings">The vocabulary's matrices.</param>
    /// <param name="batch">Inputs and targets in that vocabulary.</param>
    public static Tensor Loss(ZettLanguageModel model, VocabularyEmbeddings embeddings, TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var logits = Logits(model, embeddings, batch.Inputs);
        return nn.functional.cross_entropy(logits.view(-1, logits.shape[2]), batch.Targets.flatten(), ignore_index: TokenBatch.Ignore)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Bits per byte of the batch's real targets: total cross-entropy over the bytes they cover.</summary>
    /// <param name="model">The base model.</param>
    /// <param name="embeddings">The vocabulary's matrices.</param>
    /// <param name="batch">Inputs and targets in that vocabulary.</param>
    public static double BitsPerByte(ZettLanguageModel model, VocabularyEmbeddings embeddings, TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var _ = no_grad();
        using var loss = Loss(model, embeddings, batch);
        return loss.item<float>() * batch.TargetTokens / (Math.Log(2) * batch.TargetBytes);
    }
}
