using Torchwright;
using Torchwright.Models.Hat;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>Sizes of <see cref="MyModel"/>; the names are what the layer attributes below refer to.</summary>
public sealed record MyModelConfig(int Vocab = 256, int Dim = 64, int Heads = 4, int EncoderLayers = 1,
    int BackboneDim = 96, int BackboneHeads = 4, int BackboneLayers = 2, int MaxWordBytes = 12);

/// <summary>
/// HAT's hierarchy in small: a byte encoder, HAT's word pooler (from Torchwright.Models) that turns the bytes of
/// each word into one vector with a learned query, and a causal word-level backbone. Every byte is predicted
/// from its own encoder state plus the backbone's state for the word before it. HAT proper adds a byte decoder
/// stack and incremental generation (see <c>Torchwright.Models.Hat.HatModel</c>).
/// </summary>
[Model(typeof(MyModelConfig))]
public partial class MyModel
{
    [Embedding("Vocab", "Dim")]
    private partial Tensor Embed(Tensor bytes);

    [TransformerStack("EncoderLayers", "Dim", "Heads", Causal = true, Rope = true, Norm = NormKind.RmsNorm)]
    private partial Tensor Encoder(Tensor x, Tensor positions);

    [Use(typeof(WordPooler), "Dim", "BackboneDim", "BackboneHeads")]
    private partial Tensor Pool(Tensor states, Tensor bytePositions, Tensor byteWords, Tensor wordPositions, Tensor wordGroups);

    [TransformerStack("BackboneLayers", "BackboneDim", "BackboneHeads", Causal = true, Rope = true, Norm = NormKind.RmsNorm)]
    private partial Tensor Backbone(Tensor x, Tensor positions);

    [Learned("1,1,BackboneDim")]
    private partial Tensor FirstWord();

    [Linear("BackboneDim", "Dim")]
    private partial Tensor Inject(Tensor x);

    [RmsNorm("Dim")]
    private partial Tensor Norm(Tensor x);

    [Linear("Dim", "Vocab", Bias = false)]
    private partial Tensor Head(Tensor x);

    /// <summary>Next-byte logits for every byte.</summary>
    /// <param name="bytes">Byte values, <c>[B, T]</c>.</param>
    /// <param name="byteWords">Word index of each byte, <c>[B, T]</c>.</param>
    /// <param name="wordGroups">Word slots, <c>[B, W]</c>: 0…count−1, then −1 for padding.</param>
    [Forward]
    [return: Shape("B,T,Vocab")]
    public Tensor Forward([Shape("B,T", Elements = ElementKind.Integer)] Tensor bytes,
        [Shape("B,T", Elements = ElementKind.Integer)] Tensor byteWords, [Shape("B,W", Elements = ElementKind.Integer)] Tensor wordGroups)
    {
        long batch = bytes.shape[0], length = bytes.shape[1], words = wordGroups.shape[1];
        var bytePositions = arange(length, device: bytes.device);
        var wordPositions = arange(words, device: bytes.device);
        var states = Encoder(Embed(bytes), bytePositions);
        var wordStates = Backbone(Pool(states, bytePositions, byteWords, wordPositions, wordGroups), wordPositions);
        // A byte of word j sees the backbone only up to word j−1, which it cannot have influenced: still causal.
        var previous = cat(new[] { FirstWord().expand(batch, 1, -1), wordStates.narrow(1, 0, words - 1) }, 1);
        var perWord = Inject(previous);
        var perByte = perWord.gather(1, byteWords.unsqueeze(-1).expand(batch, length, perWord.shape[2]));
        return Head(Norm(states + perByte));
    }
}
