using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Deletion;

/// <summary>
/// Hard token deletion: removes the tokens a keep mask rejects and packs the rest of each row to the front,
/// so that later layers run on a shorter sequence instead of masking the deleted tokens. The original
/// positions of the kept tokens come along, for position schemes that must see the original distances.
/// </summary>
public static class TokenCompaction
{
    /// <summary>
    /// Compacts a batch by its keep mask. The new length T' is the largest kept count of any row; shorter rows
    /// are padded. A row may lose every token (it then has no real slot), but not the whole batch.
    /// </summary>
    /// <param name="keep"><c>[B,T]</c> bool, true for the tokens to keep.</param>
    /// <returns>The original positions, the new padding mask and the kept count per row.</returns>
    /// <exception cref="ArgumentException"><paramref name="keep"/> is not a 2-D bool tensor.</exception>
    /// <exception cref="InvalidOperationException">Every token of every row would be deleted.</exception>
    public static CompactedTokens Compact(Tensor keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (keep.dim() != 2 || keep.dtype != ScalarType.Bool)
        {
            throw new ArgumentException(
                $"The keep mask must be a [B, T] bool tensor, but got {keep.dtype} [{string.Join(", ", keep.shape)}].", nameof(keep));
        }
        long batch = keep.shape[0], length = keep.shape[1];
        using var scope = NewDisposeScope();
        var counts = keep.sum(1, type: ScalarType.Int64);
        var kept = batch == 0 || length == 0 ? 0 : counts.max().item<long>();
        if (kept == 0)
        {
            throw new InvalidOperationException(
                $"Hard deletion would delete every token of the batch ({batch} rows of {length}): nothing is left to attend to. " +
                "Lower the deletion rate (the gate loss coefficient or target), or use soft deletion for this batch.");
        }
        // Each kept token goes to slot (number of kept tokens before it); deleted ones to a spare last column.
        var slot = (keep.cumsum(1, ScalarType.Int64) - 1).masked_fill(keep.logical_not(), kept);
        var source = arange(length, ScalarType.Int64, keep.device).expand(batch, length);
        var positions = zeros(new[] { batch, kept + 1 }, ScalarType.Int64, keep.device).scatter_(1, slot, source).narrow(1, 0, kept).contiguous();
        var padding = arange(kept, ScalarType.Int64, keep.device).unsqueeze(0).lt(counts.unsqueeze(1));
        return new CompactedTokens(positions.MoveToOuterDisposeScope(), padding.MoveToOuterDisposeScope(), counts.MoveToOuterDisposeScope());
    }
}
