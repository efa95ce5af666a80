using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// Records an <see cref="Embedding"/> lookup as a one-hot buffer times the table: <c>index_select</c> has no
    /// out-variant in TorchSharp, while <c>scatter_</c> and <c>addmm_</c> write in place. The product with exact
    /// zeros and ones reproduces the rows bit for bit.
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
        var rows = input.numel();
        var ids = input.dtype == ScalarType.Int64 ? input : graph.Buffer(ScalarType.Int64, input.shape);
        var column = graph.Keep(ids.view(rows, 1));
        var oneHot = graph.Buffer(ScalarType.Float32, rows, layer.Count);
        var ones = graph.Keep(TorchSharp.torch.ones(rows, 1, ScalarType.Float32, graph.Device));
        var zero = graph.Scalar(0);
        var table = graph.Weight(layer.weight);
        var output = graph.Buffer(ScalarType.Float32, Embedding.ShapeWith(input.shape, layer.Dim));
        var matrix = Matrix(graph, output, layer.Dim);
        if (!ReferenceEquals(ids, input))
        {
            graph.Add(() => ids.copy_(input));
        }
        graph.Add(() =>
        {
            oneHot.fill_(zero);
            oneHot.scatter_(1, column, ones);
            matrix.addmm_(oneHot, table, 0f, 1f);
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
