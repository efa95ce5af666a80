using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Gpt;

/// <summary>Sizes of <see cref="ByteGpt"/>.</summary>
/// <param name="Vocab">Byte vocabulary: 256.</param>
/// <param name="Context">Longest sequence the positions cover.</param>
/// <param name="Dim">Model width.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Layers">Transformer layers.</param>
public sealed record ByteGptConfig(int Vocab = 256, int Context = 128, int Dim = 128, int Heads = 4, int Layers = 2);

/// <summary>
/// A byte-level causal language model: byte embedding plus learned positions, a causal pre-norm
/// transformer stack, a final norm and an output layer tied to the embedding. Parameter names
/// follow the usual PyTorch layout (<c>embed.weight</c>, <c>blocks.0.attn.qkv.weight</c>, …).
/// </summary>
[Model(typeof(ByteGptConfig))]
public partial class ByteGpt
{
    [Embedding("Vocab", "Dim")]
    private partial Tensor Embed([Shape("B,T")] Tensor bytes);

    [LearnedPositions("Context", "Dim")]
    private partial Tensor Positions([Shape("B,T,Dim")] Tensor x);

    [TransformerStack("Layers", "Dim", "Heads", Causal = true)]
    private partial Tensor Blocks([Shape("B,T,Dim")] Tensor x);

    [LayerNorm("Dim")]
    private partial Tensor Norm([Shape("B,T,Dim")] Tensor x);

    [Linear("Dim", "Vocab", Bias = false, TiedTo = nameof(Embed))]
    private partial Tensor Head([Shape("B,T,Dim")] Tensor x);

    /// <summary>Next-byte logits for every position. Capturable: <c>Capture(bytes)</c> returns a plan that replays it
    /// into fixed buffers for one static shape.</summary>
    /// <param name="bytes">Byte values 0–255, <c>[B, T]</c>, T at most <c>Context</c>.</param>
    [Forward]
    [Capturable]
    [return: Shape("B,T,Vocab")]
    public Tensor Forward([Shape("B,T", Elements = ElementKind.Integer)] Tensor bytes) => Head(Norm(Blocks(Positions(Embed(bytes)))));
}
