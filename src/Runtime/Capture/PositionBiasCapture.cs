using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// Records a <see cref="RelativePositionBias"/> over positions 0..T−1: the distance buckets depend only on T, so
    /// they are computed once here; each replay gathers the table's rows at them (following weight updates) and lays
    /// the result out as <c>[1, heads, T, T]</c>, the shape the eager layer returns for positions <c>[T]</c>.
    /// </summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="length">T.</param>
    public static Tensor Record(CaptureGraph graph, RelativePositionBias layer, long length)
    {
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A position bias needs at least one position.");
        }
        LibTorchOperators.Require();
        var heads = layer.weight.size(1);
        Tensor buckets;
        using (var positions = arange(length, ScalarType.Int64, graph.Device))
        using (var relative = positions.unsqueeze(0) - positions.unsqueeze(1))
        using (var bucketed = layer.Bucket(relative))
        {
            buckets = graph.Keep(bucketed.reshape(-1).contiguous()); // in [0, Buckets): made here, not by the user's data
        }
        var table = graph.Weight(layer.weight);
        var gathered = graph.Buffer(ScalarType.Float32, length * length, heads);
        var output = graph.Buffer(ScalarType.Float32, 1, heads, length, length);
        var source = graph.Keep(gathered.view(1, length, length, heads).permute(0, 3, 1, 2));
        graph.Add(() =>
        {
            LibTorchOperators.IndexSelectInto(table, 0, buckets, gathered);
            output.copy_(source);
        });
        return output;
    }
}
