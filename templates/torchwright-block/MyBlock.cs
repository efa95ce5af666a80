using Torchwright;
using static TorchSharp.torch;

namespace MyBlockNamespace;

/// <summary>Sizes of <see cref="MyBlock"/>; a model passes them with <c>[Use(typeof(MyBlock), "Dim", "Dim*4")]</c>.</summary>
/// <param name="Dim">Width of the input and output.</param>
/// <param name="Hidden">Width of the gated hidden layer.</param>
public sealed record MyBlockConfig(int Dim, int Hidden);

/// <summary>
/// A gated feed-forward (SwiGLU): one matrix product for gate and value together, then <c>silu(gate)·value</c>
/// projected back. Replace the layers and the forward with your own; keep the parity test passing.
/// </summary>
[Block(typeof(MyBlockConfig))]
public partial class MyBlock
{
    [Linear("Dim", "Hidden*2", Bias = false)]
    private partial Tensor Up(Tensor x);

    [Linear("Hidden", "Dim", Bias = false)]
    private partial Tensor Down(Tensor x);

    /// <summary>The block's output, the same shape as its input.</summary>
    /// <param name="x">Hidden states, <c>[B, T, Dim]</c>.</param>
    [Forward]
    [return: Shape("B,T,Dim")]
    public Tensor Forward([Shape("B,T,Dim")] Tensor x)
    {
        var halves = Up(x).chunk(2, -1);
        return Down(nn.functional.silu(halves[0]) * halves[1]);
    }
}
