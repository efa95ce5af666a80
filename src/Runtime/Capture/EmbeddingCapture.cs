using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// Records an <see cref="Embedding"/> lookup: the rows of the table at the ids, gathered into the output buffer by
    /// libtorch's <c>index_select.out</c>. That call would end the process on an id out of range, so each replay first
    /// scatters ones at the ids into a small buffer of the table's length with TorchSharp's <c>scatter_</c>, which
    /// raises a managed error for a bad id before anything is gathered.
    /// </summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its integer id buffer.</param>
    public static Tensor Record(CaptureGraph graph, Embedding layer, Tensor input)
    {
        if (input.dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool)
        {
            throw new ArgumentException($"Embedding expects integer ids, but the captured input is {input.dtype}.", nameof(input));
        }
        LibTorchOperators.Require();
        var rows = input.numel();
        var ids = input.dtype == ScalarType.Int64 ? input : graph.Buffer(ScalarType.Int64, input.shape);
        var flat = graph.Keep(ids.view(rows));
        var seen = graph.Buffer(ScalarType.Float32, layer.Count);
        var ones = graph.Keep(TorchSharp.torch.ones(rows, ScalarType.Float32, graph.Device));
        var table = graph.Weight(layer.weight);
        var output = graph.Buffer(ScalarType.Float32, Embedding.ShapeWith(input.shape, layer.Dim));
        var matrix = Matrix(graph, output, layer.Dim);
        if (!ReferenceEquals(ids, input))
        {
            graph.Add(() => ids.copy_(input));
        }
        graph.Add(() =>
        {
            seen.scatter_(0, flat, ones); // every id checked against the table's length, with a managed error
            LibTorchOperators.IndexSelectInto(table, 0, flat, matrix);
        });
        return output;
    }

    /// <summary>Records <see cref="LearnedPositions"/>: the first T rows of the table added to every sequence.</summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its <c>[B, T, dim]</c> buffer.</param>
    public static Tensor Record(CaptureGraph graph, LearnedPositions layer, Tensor input)
    {
        var length = input.size(-2);
        if (length > layer.MaxLength)
        {
            throw new ArgumentException($"LearnedPositions covers {layer.MaxLength} positions, but the captured input has {length} (shape [{string.Join(",", input.shape)}]).", nameof(input));
        }
        var rows = graph.Keep(graph.Weight(layer.weight).narrow(0, 0, length));
        var output = graph.Buffer(ScalarType.Float32, input.shape);
        var one = graph.Scalar(1);
        graph.Add(() =>
        {
            output.copy_(input);
            output.add_(rows, one);
        });
        return output;
    }
}
