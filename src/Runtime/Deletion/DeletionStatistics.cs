using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Deletion;

/// <summary>Measures of how much a deletion gate removes.</summary>
public static class DeletionStatistics
{
    /// <summary>
    /// The fraction of real (non-padding) tokens whose gate value is below <paramref name="threshold"/>, i.e. that
    /// hard deletion removes. Padding is left out of both counts.
    /// </summary>
    /// <param name="gate">Gate values, <c>[B,T]</c> (a trailing dimension of 1 is accepted).</param>
    /// <param name="real"><c>[B,T]</c> bool, true for real tokens.</param>
    /// <param name="threshold">Tokens with a gate value below this are deleted.</param>
    /// <returns>A value in [0, 1]; 0 when the batch has no real token.</returns>
    public static double Rate(Tensor gate, Tensor real, double threshold)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(real);
        using var scope = NewDisposeScope();
        var values = gate.dim() == 3 && gate.shape[2] == 1 ? gate.squeeze(-1) : gate;
        if (!values.shape.AsSpan().SequenceEqual(real.shape))
        {
            throw new ArgumentException(
                $"Gate values [{string.Join(", ", gate.shape)}] and the real-token mask [{string.Join(", ", real.shape)}] must have the same shape.", nameof(real));
        }
        var isReal = real.to(ScalarType.Bool);
        var total = isReal.sum().item<long>();
        if (total == 0)
        {
            return 0;
        }
        var deleted = values.lt(threshold).logical_and(isReal).sum().item<long>();
        return (double)deleted / total;
    }
}
