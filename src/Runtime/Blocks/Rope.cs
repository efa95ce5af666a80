using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Rotary position embedding by explicit position ids, "rotate half" layout: the first and second
/// halves of each head are the two coordinates of each rotated pair. The cos/sin table covers
/// <c>maxPositions</c> positions and is built once per device, so that applying it never reads a
/// tensor back to the host (a position beyond the table is an index error).
/// </summary>
internal sealed class Rope
{
    private readonly long headDim;
    private readonly double theta;
    private readonly long maxPositions;

    /// <summary>Positions the table covers.</summary>
    public long MaxPositions => maxPositions;
    private readonly object gate = new();
    private (Tensor Cos, Tensor Sin)? table;
    private (Tensor Cos, Tensor Sin, Tensor Half)? wholeTable;

    public Rope(long headDim, double theta, long maxPositions)
    {
        this.maxPositions = maxPositions;
        if (headDim % 2 != 0)
        {
            throw new ArgumentException($"Rotary embedding needs an even head width, got {headDim}.", nameof(headDim));
        }
        this.headDim = headDim;
        this.theta = theta;
    }

    /// <summary>Rotates <paramref name="x"/> <c>[B,H,T,hd]</c> by <paramref name="positions"/> (<c>[B,T]</c>, <c>[T]</c>, or null for 0..T−1).</summary>
    public Tensor Apply(Tensor x, Tensor? positions)
    {
        using var scope = NewDisposeScope();
        var length = x.shape[2];
        if (length > maxPositions)
        {
            throw new ArgumentException($"Rotary embedding covers {maxPositions} positions, but the input has {length}.", nameof(x));
        }
        var ids = positions ?? arange(length, device: x.device);
        var (cos, sin) = WholeTable(x.device);
        var flat = ids.reshape(-1);
        var shape = ids.dim() == 1 ? new long[] { 1, 1, length, headDim } : new long[] { ids.shape[0], 1, length, headDim };
        var c = cos.index_select(0, flat).view(shape).to(x.dtype);
        var s = sin.index_select(0, flat).view(shape).to(x.dtype);
        // (x₁, x₂) ↦ (x₁c − x₂s, x₂c + x₁s) as x·[c, c] + [x₂, x₁]·[−s, s]: three kernels where the pairwise
        // formula takes seven (four products, a difference, a sum, the concatenation).
        var halves = x.chunk(2, -1);
        var swapped = cat(new[] { halves[1], halves[0] }, -1);
        var rotated = x * c;
        rotated.addcmul_(swapped, s, 1); // in place on a fresh product, whose backward reads x and c only
        return rotated.MoveToOuterDisposeScope();
    }

    // The table over whole heads: [cos, cos] and [−sin, sin] per position, [maxPositions, hd].
    private (Tensor Cos, Tensor Sin) WholeTable(Device device)
    {
        var (cos, sin) = Table(device);
        lock (gate)
        {
            if (wholeTable is { } built && ReferenceEquals(built.Half, cos))
            {
                return (built.Cos, built.Sin);
            }
            using var scope = NewDisposeScope();
            var whole = (Cos: cat(new[] { cos, cos }, -1).DetachFromDisposeScope(), Sin: cat(new[] { sin.neg(), sin }, -1).DetachFromDisposeScope());
            wholeTable = (whole.Cos, whole.Sin, cos);
            return whole;
        }
    }

    // Built once per device (compared by type and index: Device objects compare by reference); a table
    // for another device replaces it without disposing the old one,
    // which a concurrent caller may still be reading.
    internal (Tensor Cos, Tensor Sin) Table(Device device)
    {
        lock (gate)
        {
            if (table is { } built && built.Cos.device_type == device.type && built.Cos.device_index == device.index)
            {
                return built;
            }
            using var scope = NewDisposeScope();
            var exponents = arange(0, headDim, 2, ScalarType.Float64, device) / headDim;
            var frequencies = pow(theta, exponents).reciprocal();
            var angles = arange(maxPositions, ScalarType.Float64, device).unsqueeze(-1) * frequencies.unsqueeze(0);
            var result = (angles.cos().to(ScalarType.Float32).DetachFromDisposeScope(), angles.sin().to(ScalarType.Float32).DetachFromDisposeScope());
            table = result;
            return result;
        }
    }
}
