using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Outcome of scoring one batch with dynamic tokenization.</summary>
/// <param name="BitsPerByte">Bits per byte of the batch.</param>
/// <param name="TokensBefore">Tokens under the original tokenizer.</param>
/// <param name="TokensAfter">Tokens after the merges.</param>
/// <param name="Merges">Merges applied.</param>
public sealed record DynamicScore(double BitsPerByte, long TokensBefore, long TokensAfter, int Merges)
{
    /// <summary>1 − T′/T.</summary>
    public double Reduction => 1 - (double)TokensAfter / TokensBefore;
}

/// <summary>
/// Runs the frozen base model on a dynamically tokenized batch: the original tokens keep the model's own
/// embeddings, merged tokens get hypernetwork embeddings through the cache, and the softmax runs over the
/// original vocabulary plus the batch's merged tokens.
/// </summary>
public static class DynamicTokenization
{
    /// <summary>Merges the batch <paramref name="merges"/> times and scores it.</summary>
    /// <param name="model">The frozen base model.</param>
    /// <param name="original">Its tokenizer.</param>
    /// <param name="cache">Hypernetwork embeddings for merged tokens.</param>
    /// <param name="texts">The batch.</param>
    /// <param name="merges">m.</param>
    public static DynamicScore Score(ZettLanguageModel model, BpeVocabulary original, EmbeddingCache cache, IReadOnlyList<string> texts, int merges)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(cache);
        var merger = new DynamicMerges(original, texts);
        var applied = merger.Apply(merges);
        var merged = MergedTokenization.From(original, merger);
        // Rows as long as the longest sequence (up to the context): shorter sequences are what dynamic tokenization buys.
        using var batch = merged.Batch(Math.Min(model.Config.Context, merged.LongestTargets));
        using var scope = NewDisposeScope();
        var dim = model.Config.Dim;
        var input = model.InputEmbeddings.detach();
        var output = model.OutputEmbeddings.detach();
        var added = merged.Added;
        if (added.Count > 0)
        {
            var rows = cache.Rows(added);
            input = cat(new[] { input, rows.narrow(1, 0, dim) }, 0);
            output = cat(new[] { output, rows.narrow(1, dim, dim) }, 0);
        }
        var bpb = LanguageModelScoring.BitsPerByte(model, new VocabularyEmbeddings(input, output), batch);
        return new DynamicScore(bpb, merger.TokenCounts[0], merger.TokenCount, applied);
    }
}
