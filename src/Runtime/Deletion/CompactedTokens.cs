using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Deletion;

/// <summary>
/// The kept tokens of a batch packed to the front of each row (see <see cref="TokenCompaction.Compact"/>).
/// Row <c>b</c> holds its kept tokens in their original order in slots <c>0 … Lengths[b]−1</c>; the slots after
/// that are padding.
/// </summary>
/// <param name="Positions">Original position of the token in each slot, <c>[B,T']</c> int64; 0 in padding slots.
/// Pass these to a position scheme (e.g. a relative position bias) so distances stay those of the original sequence.</param>
/// <param name="Padding"><c>[B,T']</c> bool, true where a slot holds a kept token: the key-padding mask for later layers.</param>
/// <param name="Lengths">Kept tokens per row, <c>[B]</c> int64.</param>
public sealed record CompactedTokens(Tensor Positions, Tensor Padding, Tensor Lengths)
{
    /// <summary>The compacted length T': the largest number of kept tokens in any row.</summary>
    public long Length => Positions.shape[1];

    /// <summary>
    /// Gathers per-token values <c>[B,T,…]</c> (hidden states, ids, gate values) into the compacted layout
    /// <c>[B,T',…]</c>. Padding slots receive the values of position 0; mask them with <see cref="Padding"/>.
    /// </summary>
    /// <param name="values">A tensor whose first two dimensions are the batch and the original positions.</param>
    public Tensor Gather(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.dim() < 2 || values.shape[0] != Positions.shape[0])
        {
            throw new ArgumentException(
                $"Gather needs values of shape [B, T, …] with B = {Positions.shape[0]}, but got [{string.Join(", ", values.shape)}].", nameof(values));
        }
        if (values.dim() == 2)
        {
            return values.gather(1, Positions);
        }
        var shape = values.shape;
        var view = new long[shape.Length];
        var expanded = new long[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            view[i] = i < 2 ? Positions.shape[i] : 1;
            expanded[i] = i < 2 ? Positions.shape[i] : shape[i];
        }
        using var index = Positions.view(view).expand(expanded);
        return values.gather(1, index);
    }
}
