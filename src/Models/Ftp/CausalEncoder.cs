using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>Sizes of <see cref="CausalEncoder"/>.</summary>
/// <param name="Vocab">Token vocabulary.</param>
/// <param name="Context">Longest sequence the positions cover.</param>
/// <param name="Dim">Width.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Layers">Transformer layers.</param>
public sealed record CausalEncoderConfig(int Vocab, int Context, int Dim, int Heads, int Layers);

/// <summary>
/// A GPT-2-like causal encoder without an output layer: token embedding plus learned positions, a causal
/// pre-norm stack and a final norm. Its output at t is the top vector h_t, which depends on tokens 0..t only.
/// FTP and both baselines use this block, so they differ only in what reads h.
/// </summary>
[Block(typeof(CausalEncoderConfig))]
public partial class CausalEncoder
{
    [Embedding("Vocab", "Dim")]
    private partial Tensor Embed(Tensor tokens);

    [LearnedPositions("Context", "Dim")]
    private partial Tensor Positions(Tensor x);

    [TransformerStack("Layers", "Dim", "Heads", Causal = true)]
    private partial Tensor Blocks(Tensor x);

    [LayerNorm("Dim")]
    private partial Tensor Norm(Tensor x);

    [Forward]
    [return: Shape("B,T,Dim")]
    public Tensor Forward([Shape("B,T")] Tensor tokens) => Norm(Blocks(Positions(Embed(tokens))));
}
