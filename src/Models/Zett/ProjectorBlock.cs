using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Sizes of <see cref="ProjectorBlock"/>.</summary>
/// <param name="Dim">Width in and out.</param>
/// <param name="Hidden">Inner width.</param>
public sealed record ProjectorBlockConfig(int Dim, int Hidden);

/// <summary>ZeTT's projector: <c>LayerNorm(x + GELU(W2 · GELU(W1 x)))</c> with eps 1e-6 and tanh-approximate GELU.</summary>
[Block(typeof(ProjectorBlockConfig))]
public partial class ProjectorBlock
{
    [Linear("Dim", "Hidden", Name = "fc1", Init = WeightInit.FanIn)]
    private partial Tensor Up(Tensor x);

    [Linear("Hidden", "Dim", Name = "fc2", Init = WeightInit.FanIn)]
    private partial Tensor Down(Tensor x);

    [LayerNorm("Dim", Eps = 1e-6, Name = "norm")]
    private partial Tensor Norm(Tensor x);

    /// <summary>Applies the block.</summary>
    /// <param name="x">Input, <c>[N, Dim]</c>.</param>
    [Forward]
    [return: Shape("N,Dim")]
    private Tensor Forward([Shape("N,Dim")] Tensor x)
    {
        using var inner = nn.functional.gelu(Up(x), TorchSharp.Modules.GELU.Approximate.tanh);
        using var outer = nn.functional.gelu(Down(inner), TorchSharp.Modules.GELU.Approximate.tanh);
        using var sum = x + outer;
        return Norm(sum);
    }
}
