using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>Records a <see cref="LayerNorm"/> over the last dimension.</summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its input buffer.</param>
    public static Tensor Record(CaptureGraph graph, LayerNorm layer, Tensor input)
    {
        var width = input.size(-1);
        var output = graph.Buffer(ScalarType.Float32, input.shape);
        NormInto(graph, layer, Matrix(graph, input, width), Matrix(graph, output, width));
        return output;
    }

    /// <summary>Records an <see cref="RmsNorm"/> over the last dimension.</summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its input buffer.</param>
    public static Tensor Record(CaptureGraph graph, RmsNorm layer, Tensor input)
    {
        var width = input.size(-1);
        var output = graph.Buffer(ScalarType.Float32, input.shape);
        NormInto(graph, layer, Matrix(graph, input, width), Matrix(graph, output, width));
        return output;
    }

    /// <summary>
    /// The norm of the rows of <paramref name="input"/> into <paramref name="output"/>. libtorch's fused kernels
    /// have no out-variant in TorchSharp, so the statistics are row sums by <c>addmm_</c> against a column of 1/D.
    /// </summary>
    internal static void NormInto(CaptureGraph graph, Block norm, Tensor input, Tensor output)
    {
        switch (norm)
        {
            case LayerNorm layer:
                LayerNormInto(graph, layer, input, output);
                break;
            case RmsNorm layer:
                RmsNormInto(graph, layer, input, output);
                break;
            default:
                throw new NotSupportedException($"LayerNorm and RmsNorm can be captured, not {norm.GetType().Name}.");
        }
    }

    // x·rsqrt(mean(x²) + eps)·w, in the eager layer's order.
    private static void RmsNormInto(CaptureGraph graph, RmsNorm layer, Tensor input, Tensor output)
    {
        RequireFloat32("RmsNorm", input);
        long rows = input.size(0), width = input.size(1);
        var averaging = graph.Keep(full(width, 1, 1.0 / width, ScalarType.Float32, graph.Device));
        var scale = graph.Buffer(ScalarType.Float32, rows, 1);
        var eps = graph.Scalar(layer.Eps);
        graph.Add(() =>
        {
            output.copy_(input);
            output.mul_(input);
            scale.addmm_(output, averaging, 0f, 1f);
            scale.add_(eps);
            scale.rsqrt_();
            output.copy_(input);
            output.mul_(scale);
        });
        if (layer.weight is not null)
        {
            var weight = graph.Weight(layer.weight);
            graph.Add(() => output.mul_(weight));
        }
    }

    private static void LayerNormInto(CaptureGraph graph, LayerNorm layer, Tensor input, Tensor output)
    {
        RequireFloat32("LayerNorm", input);
        long rows = input.size(0), width = input.size(1);
        var averaging = graph.Keep(full(width, 1, 1.0 / width, ScalarType.Float32, graph.Device));
        var mean = graph.Buffer(ScalarType.Float32, rows, 1);
        var variance = graph.Buffer(ScalarType.Float32, rows, 1);
        var squares = graph.Buffer(ScalarType.Float32, rows, width);
        var eps = graph.Scalar(layer.Eps);
        var (plus, minus) = (graph.Scalar(1), graph.Scalar(-1));
        graph.Add(() =>
        {
            mean.addmm_(input, averaging, 0f, 1f);
            output.copy_(input);
            output.add_(mean, minus);
            squares.copy_(output);
            squares.mul_(output);
            variance.addmm_(squares, averaging, 0f, 1f);
            variance.add_(eps);
            variance.rsqrt_();
            output.mul_(variance);
        });
        if (layer.weight is not null)
        {
            var weight = graph.Weight(layer.weight);
            var bias = graph.Weight(layer.bias!);
            graph.Add(() =>
            {
                output.mul_(weight);
                output.add_(bias, plus);
            });
        }
    }
}
