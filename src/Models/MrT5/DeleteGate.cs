using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>Sizes of <see cref="DeleteGate"/>.</summary>
/// <param name="Dim">Width of the hidden states it reads.</param>
public sealed record DeleteGateConfig(int Dim);

/// <summary>
/// MrT5's delete gate logit: <c>w·RMSNorm(h) + b</c> per token, <c>[B,T,Dim] → [B,T,1]</c>. The model turns it into
/// <c>G = k·σ(−logit)</c>. Parameter names follow the reference (<c>layer_norm.weight</c>, <c>feed_forward.weight</c>,
/// <c>feed_forward.bias</c>).
/// </summary>
[Block(typeof(DeleteGateConfig))]
public partial class DeleteGate
{
    [RmsNorm("Dim", Name = "layer_norm")]
    private partial Tensor Norm(Tensor x);

    [Linear("Dim", "1", Name = "feed_forward")]
    private partial Tensor Score(Tensor x);

    /// <summary>The gate logit of every token.</summary>
    /// <param name="hidden">Hidden states, <c>[B,T,Dim]</c>.</param>
    [Forward]
    [return: Shape("B,T,1")]
    public Tensor Forward([Shape("B,T,Dim")] Tensor hidden) => Score(Norm(hidden));
}
