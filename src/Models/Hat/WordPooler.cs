using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>Sizes of <see cref="WordPooler"/>.</summary>
/// <param name="EncoderDim">Width of the byte states it reads.</param>
/// <param name="BackboneDim">Width of the word vectors it writes.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="KvHeads">Key/value heads (grouped-query attention over the bytes); null: one per query head.</param>
public sealed record WordPoolerConfig(int EncoderDim, int BackboneDim, int Heads, int? KvHeads = null)
{
    /// <summary>Key/value heads in effect.</summary>
    public int KeyHeads => KvHeads ?? Heads;
}

/// <summary>
/// HAT's encoder connector: one learned latent query per word cross-attends to that word's bytes only
/// (block-diagonal: query group = word index, key group = each byte's word index). Queries are rotated by
/// their word position and keys by their byte position. The key/value projection maps the encoder width to
/// the backbone width, so the output is already a backbone input; there is no residual and no norm on the states.
/// Queries and keys are RMS-normalised per head before the rotation (the reference's key_query_norm), and keys and
/// values may be shared by groups of query heads.
/// A word without bytes (batch padding, group −1) gets zeros.
/// </summary>
[Block(typeof(WordPoolerConfig))]
public partial class WordPooler
{
    [Learned("BackboneDim", Name = "latent_query")]
    private partial Tensor Query();

    [CrossAttention("BackboneDim", "Heads", "EncoderDim", KvHeads = "KeyHeads", QkNorm = true, Rope = true, Bias = false, Name = "attn")]
    private partial Tensor Attend(Tensor x, Tensor memory, Tensor positions, Tensor keyPositions, Tensor queryGroups, Tensor keyGroups);

    /// <summary>Pools the byte states of every word into one vector.</summary>
    /// <param name="states">Encoder states, <c>[B, T, EncoderDim]</c>.</param>
    /// <param name="bytePositions">Position of each byte in the stream, <c>[T]</c>.</param>
    /// <param name="byteWords">Word index of each byte, <c>[B, T]</c>.</param>
    /// <param name="wordPositions">Position of each word, <c>[W]</c>.</param>
    /// <param name="wordGroups">Word index of each query, <c>[B, W]</c>; −1 for padding.</param>
    [Forward]
    [return: Shape("B,W,BackboneDim")]
    public Tensor Forward([Shape("B,T,EncoderDim")] Tensor states, [Shape("T")] Tensor bytePositions, [Shape("B,T")] Tensor byteWords,
        [Shape("W")] Tensor wordPositions, [Shape("B,W")] Tensor wordGroups)
    {
        var queries = Query().expand(states.shape[0], wordGroups.shape[1], -1);
        return Attend(queries, states, wordPositions, bytePositions, wordGroups, byteWords);
    }
}
