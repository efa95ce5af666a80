using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Sizes of <see cref="TokenRowTable"/>.</summary>
/// <param name="Capacity">Rows the table holds.</param>
/// <param name="Width">Width of a row, <c>2d</c> for <c>[Ê_in | Ê_out]</c>.</param>
public sealed record TokenRowTableConfig(int Capacity = 4096, int Width = 128);

/// <summary>A trainable table of <c>[Ê_in | Ê_out]</c> rows, the parameters <see cref="FittedTokenRows"/> fits.</summary>
[Model(typeof(TokenRowTableConfig))]
public partial class TokenRowTable
{
    [Learned("Capacity,Width", Std = 0)]
    private partial Tensor Table();

    /// <summary>The rows at <paramref name="ids"/>.</summary>
    /// <param name="ids">Row indices, <c>[N]</c>.</param>
    [Forward]
    [return: Shape("N,Width")]
    public Tensor Rows([Shape("N", Elements = ElementKind.Integer)] Tensor ids) => Table().index_select(0, ids);

    /// <summary>Overwrites row <paramref name="row"/>, outside autograd.</summary>
    /// <param name="row">Row index.</param>
    /// <param name="value">The new row, <c>[Width]</c>.</param>
    public void Set(long row, Tensor value)
    {
        using var _ = no_grad();
        Table()[row].copy_(value);
    }
}
