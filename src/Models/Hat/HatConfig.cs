namespace Torchwright.Models.Hat;

/// <summary>Sizes of <see cref="HatModel"/>. The byte encoder and decoder share one width; the word backbone has its own.</summary>
/// <param name="Vocab">Byte vocabulary: 256 (special tokens live in byte values that are invalid in UTF-8).</param>
/// <param name="EncoderDim">Width D_e of the byte encoder and the byte decoder.</param>
/// <param name="EncoderHeads">Attention heads of the encoder and the decoder.</param>
/// <param name="EncoderLayers">Layers of the byte encoder.</param>
/// <param name="BackboneDim">Width D_b of the word backbone and of the pooled word vectors.</param>
/// <param name="BackboneHeads">Attention heads of the backbone and of the word-pooling cross-attention.</param>
/// <param name="BackboneLayers">Layers of the word backbone.</param>
/// <param name="DecoderLayers">Layers of the byte decoder.</param>
/// <param name="MaxWordBytes">The splitter's byte limit per word (longer words are cut into chunks).</param>
/// <param name="SlidingWindow">Causal sliding window of the byte encoder's and decoder's self-attention, in bytes
/// (the reference's default, 768).</param>
/// <param name="EncoderKvHeads">Key/value heads of the encoder and decoder (grouped-query attention); null: one per query head.</param>
/// <param name="BackboneKvHeads">Key/value heads of the backbone and of the word pooling; null: one per query head.</param>
public sealed record HatConfig(
    int Vocab = 256,
    int EncoderDim = 64,
    int EncoderHeads = 4,
    int EncoderLayers = 1,
    int BackboneDim = 128,
    int BackboneHeads = 4,
    int BackboneLayers = 2,
    int DecoderLayers = 1,
    int MaxWordBytes = 100,
    int SlidingWindow = 768,
    int? EncoderKvHeads = null,
    int? BackboneKvHeads = null)
{
    /// <summary>Key/value heads of the encoder and decoder.</summary>
    public int EncoderKeyHeads => EncoderKvHeads ?? EncoderHeads;

    /// <summary>Key/value heads of the backbone and of the word pooling.</summary>
    public int BackboneKeyHeads => BackboneKvHeads ?? BackboneHeads;
}
