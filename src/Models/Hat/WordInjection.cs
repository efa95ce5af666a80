using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>Sizes of <see cref="WordInjection"/>.</summary>
/// <param name="BackboneDim">Width of the backbone's word vectors.</param>
/// <param name="EncoderDim">Width of the byte decoder.</param>
public sealed record WordInjectionConfig(int BackboneDim, int EncoderDim);

/// <summary>
/// HAT's decoder connector, per word: what is added to every byte of a word in the decoder's first layer.
/// In the reference it is a cross-attention from each byte to one key, its word's previous-word vector; the
/// softmax over a single key is 1 and rotary positions cancel, so it reduces to <c>W_o · W_v · RMSNorm(P)</c>,
/// which is what this block computes (the query side has no effect and no parameters).
/// </summary>
[Block(typeof(WordInjectionConfig))]
public partial class WordInjection
{
    [RmsNorm("BackboneDim", Name = "kv_norm")]
    private partial Tensor Norm(Tensor x);

    [Linear("BackboneDim", "EncoderDim", Bias = false, Name = "v")]
    private partial Tensor Value(Tensor x);

    [Linear("EncoderDim", "EncoderDim", Bias = false, Name = "o")]
    private partial Tensor Output(Tensor x);

    /// <summary>The injection for each word from the backbone vector it receives.</summary>
    /// <param name="previous">For each word, the backbone output of the word before it (or the learned first-word vector), <c>[B, W, BackboneDim]</c>.</param>
    [Forward]
    [return: Shape("B,W,EncoderDim")]
    public Tensor Forward([Shape("B,W,BackboneDim")] Tensor previous) => Output(Value(Norm(previous)));
}
