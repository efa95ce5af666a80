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
    /// The norm of the rows of <paramref name="input"/> into <paramref name="output"/>: LayerNorm by libtorch's fused
    /// kernel; RmsNorm, which has no out-variant, by row sums of squares (<c>addmm_</c> against a column of 1/D).
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

    // libtorch's fused layer norm written into the output; the row statistics it also returns go to scratch buffers.
    private static void LayerNormInto(CaptureGraph graph, LayerNorm layer, Tensor input, Tensor output)
    {
        RequireFloat32("LayerNorm", input);
        if (!input.is_contiguous() || !output.is_contiguous())
        {
            throw new NotSupportedException("LayerNorm capture reads and writes whole contiguous rows.");
        }
        LibTorchOperators.Require();
        long rows = input.size(0), width = input.size(1);
        var mean = graph.Buffer(ScalarType.Float32, rows, 1);
        var deviation = graph.Buffer(ScalarType.Float32, rows, 1);
        var weight = layer.weight is null ? null : graph.Weight(layer.weight);
        var bias = layer.bias is null ? null : graph.Weight(layer.bias);
        var arguments = graph.Own(new LayerNormArguments(width, weight, bias));
        var eps = layer.Eps;
        graph.Add(() => LibTorchOperators.LayerNormInto(input, arguments, eps, output, mean, deviation));
    }
}
