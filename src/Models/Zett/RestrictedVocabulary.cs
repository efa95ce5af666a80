using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// A foreign tokenizer's vocabulary restricted to the tokens that occur in some texts, plus begin-of-text (the
/// last id), with the texts re-expressed in the restricted ids: how a large tokenizer such as
/// <c>cl100k_base</c> is applied without predicting all its 100k embeddings.
/// </summary>
public sealed class RestrictedVocabulary
{
    private readonly Dictionary<int, int> local;

    private RestrictedVocabulary(List<byte[]> tokens, List<IReadOnlyList<int>> sequences, Dictionary<int, int> local)
    {
        Tokens = tokens;
        Sequences = sequences;
        this.local = local;
    }

    /// <summary>Restricts a rank table to the ids in <paramref name="encodings"/>.</summary>
    /// <param name="byRank">The foreign tokenizer's token bytes by id.</param>
    /// <param name="encodings">Each text's ids under the foreign tokenizer.</param>
    public static RestrictedVocabulary FromEncodings(IReadOnlyList<byte[]> byRank, IEnumerable<IReadOnlyList<int>> encodings)
    {
        ArgumentNullException.ThrowIfNull(byRank);
        ArgumentNullException.ThrowIfNull(encodings);
        var texts = encodings.ToList();
        var used = texts.SelectMany(ids => ids).Distinct().OrderBy(id => id).ToList();
        foreach (var id in used.Where(id => id < 0 || id >= byRank.Count))
        {
            throw new ArgumentException($"id {id} is outside the rank table of {byRank.Count} tokens (special tokens are not supported)", nameof(encodings));
        }
        var local = used.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        var tokens = used.Select(id => byRank[id]).Append(Array.Empty<byte>()).ToList();
        var bos = tokens.Count - 1;
        var sequences = texts.Select(ids => (IReadOnlyList<int>)ids.Select(id => local[id]).Prepend(bos).ToList()).ToList();
        return new RestrictedVocabulary(tokens, sequences, local);
    }

    /// <summary>
    /// Priors of the restricted tokens (<see cref="TokenPriors"/>) from another text's ids under the foreign tokenizer;
    /// ids outside the restriction are left out.
    /// </summary>
    /// <param name="foreignIds">The text's ids under the foreign tokenizer (the base model's training text, not the scored texts).</param>
    /// <param name="pseudoCounts">The pseudo-counts as a share of the tokens counted (<see cref="TokenPriors.FromSequences"/>).</param>
    public Tensor Priors(IEnumerable<int> foreignIds, double pseudoCounts)
    {
        ArgumentNullException.ThrowIfNull(foreignIds);
        var ids = foreignIds.Where(local.ContainsKey).Select(id => local[id]).ToList();
        return TokenPriors.FromSequences(new[] { (IReadOnlyList<int>)ids }, Tokens.Count, pseudoCounts);
    }

    /// <summary>Token bytes by restricted id; the last is begin-of-text (no bytes).</summary>
    public IReadOnlyList<byte[]> Tokens { get; }

    /// <summary>The texts in restricted ids, each after begin-of-text.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Sequences { get; }

    /// <summary>Id of begin-of-text.</summary>
    public int BosId => Tokens.Count - 1;

    /// <summary>The batch of all texts, T positions per row.</summary>
    /// <param name="length">T.</param>
    public TokenBatch Batch(int length) => TokenBatch.Build(Sequences, length, id => Tokens[id].Length, BosId);
}
