using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// A least-recently-used cache of hypernetwork embeddings by token bytes, as dynamic tokenization uses: each
/// batch asks for its merged tokens, and only the ones not cached go through the hypernetwork, in one call.
/// </summary>
public sealed class EmbeddingCache : ITokenRows
{
    private readonly ZettHypernetwork hypernetwork;
    private readonly ZettLanguageModel model;
    private readonly BpeVocabulary original;
    private readonly int capacity;
    private readonly Dictionary<byte[], LinkedListNode<(byte[] Token, float[] Row)>> entries = new(ByteTokens.Comparer);
    private readonly LinkedList<(byte[] Token, float[] Row)> recency = new();

    /// <summary>Creates an empty cache.</summary>
    /// <param name="hypernetwork">Predicts missing rows.</param>
    /// <param name="model">The base model (source embeddings).</param>
    /// <param name="original">Its tokenizer (decomposition).</param>
    /// <param name="capacity">Most rows kept.</param>
    public EmbeddingCache(ZettHypernetwork hypernetwork, ZettLanguageModel model, BpeVocabulary original, int capacity = 65_536)
    {
        ArgumentNullException.ThrowIfNull(hypernetwork);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.hypernetwork = hypernetwork;
        this.model = model;
        this.original = original;
        this.capacity = capacity;
    }

    /// <summary>Rows found in the cache so far.</summary>
    public long Hits { get; private set; }

    /// <summary>Rows predicted so far.</summary>
    public long Misses { get; private set; }

    /// <summary>Width of a row, <c>2d</c> of the model the cache predicts for.</summary>
    public int RowWidth => 2 * model.Config.Dim;

    /// <summary>Rows held now.</summary>
    public int Count => entries.Count;

    /// <summary><c>[Ê_in | Ê_out]</c> for each token, <c>[N, 2d]</c>.</summary>
    /// <param name="tokens">Token bytes; at most the capacity.</param>
    public Tensor Rows(IReadOnlyList<byte[]> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count > capacity)
        {
            throw new ArgumentException($"{tokens.Count} tokens asked for at once, the cache holds {capacity}", nameof(tokens));
        }
        var missing = tokens.Where(t => !entries.ContainsKey(t)).Distinct(ByteTokens.Comparer).ToList();
        Misses += missing.Count;
        Hits += tokens.Count - missing.Count;
        if (missing.Count > 0)
        {
            using var predicted = HypernetworkPrediction.Predict(hypernetwork, model, original, missing);
            using var both = cat(new[] { predicted.Input, predicted.Output }, 1);
            var values = both.data<float>().ToArray();
            var width = (int)both.shape[1];
            for (var i = 0; i < missing.Count; i++)
            {
                Store(missing[i], values.AsSpan(i * width, width).ToArray());
            }
        }
        var dim = 2 * model.Config.Dim;
        var flat = new float[tokens.Count * dim];
        for (var i = 0; i < tokens.Count; i++)
        {
            Touch(tokens[i]).CopyTo(flat, i * dim);
        }
        return tensor(flat).view(tokens.Count, dim);
    }

    private float[] Touch(byte[] token)
    {
        var node = entries[token];
        recency.Remove(node);
        recency.AddFirst(node);
        return node.Value.Row;
    }

    private void Store(byte[] token, float[] row)
    {
        entries[token] = recency.AddFirst((token, row));
        while (entries.Count > capacity)
        {
            var oldest = recency.Last!;
            recency.RemoveLast();
            entries.Remove(oldest.Value.Token);
        }
    }
}
