using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// Records built-in layers into a <see cref="CaptureGraph"/>: each overload allocates the layer's output and
/// scratch buffers for the input's static shape and adds the in-place steps that recompute them. The
/// generated capture plans call one overload per layer of a <c>[Capturable]</c> forward.
/// </summary>
public static partial class CaptureLayers
{
    /// <summary>Refuses a layer that has no capture recorder, naming it.</summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its input buffer.</param>
    public static Tensor Record(CaptureGraph graph, nn.Module layer, Tensor input)
        => throw new NotSupportedException($"Layer '{layer.GetName()}' ({layer.GetType().Name}) cannot be captured yet: it has no in-place recorder.");

    // Rows of a [.., width] buffer seen as a matrix, as a kept view.
    private static Tensor Matrix(CaptureGraph graph, Tensor buffer, long width) => graph.Keep(buffer.view(-1, width));

    private static long[] WithLast(long[] shape, long last)
    {
        var result = (long[])shape.Clone();
        result[^1] = last;
        return result;
    }

    private static void RequireWidth(string layer, Tensor input, long width)
    {
        if (input.Dimensions == 0 || input.size(-1) != width)
        {
            throw new ArgumentException($"{layer} expects inputs of width {width}, but the captured input has shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }

    private static void RequireFloat32(string layer, Tensor input)
    {
        if (input.dtype != ScalarType.Float32)
        {
            throw new NotSupportedException($"{layer}: capture plans take fp32 here (under mixed precision too, the residual stream and the norms stay fp32), but the captured input is {input.dtype}.");
        }
    }
}
