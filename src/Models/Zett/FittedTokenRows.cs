using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// Continued training of embedding rows through the frozen base model, ZeTT's remedy for the gap zero-shot rows
/// leave: every token of the vocabularies of batches drawn from training text (the starting tokenizer's tokens and
/// each batch's merges) gets input and output rows of its own, started from the hypernetwork's row (through its
/// cache) when first met and then fitted by gradient descent. Tokens the fitting never met keep the hypernetwork's
/// rows. The text scored later is never fitted on. Two uses:
/// <list type="bullet">
/// <item>dynamic tokenization: batches from the base model's tokenizer with <see cref="RowFittingOptions.Merges"/>
/// merges each, so every merged token the merging makes gets a row;</item>
/// <item>after a switch: batches from the tokenizer switched to, with no merges.</item>
/// </list>
/// </summary>
/// <remarks>
/// It also measures what the hypernetwork leaves on the table: the frozen model's bits per byte with the best rows
/// gradient descent finds. Rows are fitted without token priors, and score without them.
/// </remarks>
public sealed class FittedTokenRows : ITokenRows, IDisposable
{
    private readonly EmbeddingCache start;
    private readonly TokenRowTable table;
    private readonly Dictionary<byte[], long> index = new(ByteTokens.Comparer);

    private FittedTokenRows(EmbeddingCache start, TokenRowTable table)
    {
        this.start = start;
        this.table = table;
    }

    /// <summary>Tokens with rows of their own.</summary>
    public int Count => index.Count;

    /// <summary>Fits rows for the tokens of batches of <paramref name="text"/>, tokenized by <paramref name="tokenizer"/> and then merged.</summary>
    /// <param name="model">The frozen base model.</param>
    /// <param name="tokenizer">Where each batch starts: the model's tokenizer for dynamic tokenization, or a tokenizer switched to.</param>
    /// <param name="start">The hypernetwork's rows, where each token's row starts.</param>
    /// <param name="text">Training text, never the text to be scored.</param>
    /// <param name="options">Steps, merges per batch, schedule.</param>
    public static (FittedTokenRows Rows, TrainingResult Training) Fit(ZettLanguageModel model, BpeVocabulary tokenizer, EmbeddingCache start,
        string text, RowFittingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Merges);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        var dim = model.Config.Dim;
        if (start.RowWidth != 2 * dim)
        {
            throw new ArgumentException($"the hypernetwork's rows are {start.RowWidth} wide; the model of width {dim} needs rows of width {2 * dim}", nameof(start));
        }
        var rows = new FittedTokenRows(start, new TokenRowTable(new TokenRowTableConfig(options.Capacity, 2 * dim)));
        try
        {
            return (rows, rows.Train(model, tokenizer, text, options));
        }
        catch
        {
            rows.Dispose(); // no half-fitted table leaves a failed fit
            throw;
        }
    }

    private TrainingResult Train(ZettLanguageModel model, BpeVocabulary tokenizer, string text, RowFittingOptions options)
    {
        var training = Trainer.Run(table, step =>
        {
            var merger = new DynamicMerges(tokenizer, TextChunks.Sample(text, options.BatchSize, options.ChunkLength, step.Random));
            merger.Apply(options.Merges);
            var merged = MergedTokenization.From(tokenizer, merger);
            using var batch = merged.Batch(Math.Min(model.Config.Context, merged.LongestTargets));
            return LanguageModelScoring.Loss(model, VocabularyEmbeddings.FromPredicted(Gather(merged.Tokens, adopt: true)), batch);
        }, new TrainingOptions
        {
            Steps = options.Steps,
            LearningRate = options.LearningRate,
            MinLearningRateRatio = 0,
            WeightDecay = 0, // a row no batch uses must not shrink
            Beta2 = 0.999,
            GradientClipNorm = null,
            Seed = options.Seed,
            ShowProgress = options.ShowProgress,
            RunName = "zett-rows",
        });
        table.eval();
        foreach (var parameter in table.parameters())
        {
            parameter.requires_grad = false;
        }
        return training;
    }

    /// <inheritdoc/>
    public Tensor Rows(IReadOnlyList<byte[]> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        using var _ = no_grad();
        return Gather(tokens, adopt: false);
    }

    /// <summary>Input and output matrices for every token of <paramref name="vocabulary"/>, to score it with.</summary>
    /// <param name="vocabulary">A tokenizer, typically the one the rows were fitted for.</param>
    public VocabularyEmbeddings Embeddings(BpeVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        using var scope = NewDisposeScope();
        var split = VocabularyEmbeddings.FromPredicted(Rows(vocabulary.Tokens));
        return new VocabularyEmbeddings(split.Input.clone().MoveToOuterDisposeScope(), split.Output.clone().MoveToOuterDisposeScope());
    }

    /// <summary>Releases the table.</summary>
    public void Dispose() => table.Dispose();

    // Fitted rows where the token has one, the hypernetwork's otherwise; with adopt, tokens met for the first time
    // get a row of their own (while the table has room), started from the hypernetwork's.
    private Tensor Gather(IReadOnlyList<byte[]> tokens, bool adopt)
    {
        var fresh = tokens.Where(t => !index.ContainsKey(t)).Distinct(ByteTokens.Comparer).ToList();
        var capacity = table.Config.Capacity;
        if (adopt && fresh.Count > 0 && index.Count < capacity)
        {
            var adopted = fresh.Take(capacity - index.Count).ToList();
            using var startRows = start.Rows(adopted);
            for (var i = 0; i < adopted.Count; i++)
            {
                index[adopted[i]] = index.Count;
                table.Set(index[adopted[i]], startRows[i]);
            }
            fresh = fresh.Skip(adopted.Count).ToList();
        }
        var own = tokens.Where(index.ContainsKey).Select(t => index[t]).ToArray();
        if (fresh.Count == 0)
        {
            return table.Rows(tensor(own));
        }
        // Owned rows first, then the hypernetwork's for the rest, put back in the tokens' order.
        var position = fresh.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => (long)(own.Length + p.i), ByteTokens.Comparer);
        var ownRank = 0L;
        var order = tokens.Select(t => index.ContainsKey(t) ? ownRank++ : position[t]).ToArray();
        var combined = cat(new[] { table.Rows(tensor(own)), start.Rows(fresh) }, 0);
        return combined.index_select(0, tensor(order));
    }
}
