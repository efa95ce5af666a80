namespace Torchwright.Models.Zett;

/// <summary>Which embeddings the original tokens of a dynamically tokenized batch take (<see cref="DynamicTokenization"/>).</summary>
public enum OriginalTokenRows
{
    /// <summary>
    /// The hypernetwork's, like the merged tokens': the batch's vocabulary is embedded as one new tokenizer, the way the
    /// hypernetwork was trained (every token of a sampled vocabulary predicted, single original tokens included).
    /// </summary>
    Predicted,

    /// <summary>The base model's own rows; only the merged tokens are predicted. With no merges this is the original model.</summary>
    Own,
}
