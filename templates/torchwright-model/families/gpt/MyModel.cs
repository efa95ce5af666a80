using Torchwright;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>Sizes of <see cref="MyModel"/>; the names are what the layer attributes below refer to.</summary>
public sealed record MyModelConfig(int Vocab = 256, int Context = 64, int Dim = 64, int Heads = 4, int Layers = 2);

/// <summary>
/// A byte-level causal language model: byte embedding plus learned positions, a causal pre-norm transformer
/// stack, a final norm and an output layer tied to the embedding. The generator writes the constructor, the
/// parameters, the fused and reference forward paths and the shape guard.
/// </summary>
[Model(typeof(MyModelConfig))]
public partial class MyModel
{
    [Embedding("Vocab", "Dim")]
    private partial Tensor Embed(Tensor bytes);

    [LearnedPositions("Context", "Dim")]
    private partial Tensor Positions(Tensor x);

    [TransformerStack("Layers", "Dim", "Heads", Causal = true)]
    private partial Tensor Blocks(Tensor x);

    [LayerNorm("Dim")]
    private partial Tensor Norm(Tensor x);

    [Linear("Dim", "Vocab", Bias = false, TiedTo = nameof(Embed))]
    private partial Tensor Head(Tensor x);

    /// <summary>Next-byte logits for every position.</summary>
    /// <param name="bytes">Byte values, <c>[B, T]</c>, T at most <c>Context</c>.</param>
    [Forward]
    [return: Shape("B,T,Vocab")]
    public Tensor Forward([Shape("B,T", Elements = ElementKind.Integer)] Tensor bytes) => Head(Norm(Blocks(Positions(Embed(bytes)))));
}
