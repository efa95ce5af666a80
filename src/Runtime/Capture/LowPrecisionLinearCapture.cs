using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// A <see cref="Linear"/> layer under mixed precision, as the eager layer computes it: the input cast to
    /// <paramref name="type"/> (unless it is already), the product and its bias in that type on libtorch's
    /// <c>addmm_</c> (oneDNN's bf16 kernel), and an output of another type given the result by a cast, or by an add
    /// onto a residual stream, which keeps its own type. The weights are cast once, when the plan is recorded, and the
    /// plan keeps the copies: like the inference session's weight-cast cache, a low-precision plan does not see later
    /// changes to the weights.
    /// </summary>
    private static void LowPrecisionLinearInto(CaptureGraph graph, Linear layer, ScalarType type, Tensor input, Tensor output, bool accumulate)
    {
        var typedInput = input.dtype == type ? input : CastInto(graph, input, type);
        var product = output.dtype == type ? output : graph.Buffer(type, output.shape);
        graph.Add(BlasStep(graph, WeightCopy(graph, layer.weight, type), layer.bias is null ? null : WeightCopy(graph, layer.bias, type),
            typedInput, product, accumulate && ReferenceEquals(product, output)));
        if (ReferenceEquals(product, output))
        {
            return;
        }
        var one = graph.Scalar(1);
        graph.Add(accumulate ? () => output.add_(product, one) : () => output.copy_(product));
    }

    // A buffer of type holding buffer's values, refreshed by a step added here.
    private static Tensor CastInto(CaptureGraph graph, Tensor buffer, ScalarType type)
    {
        var cast = graph.Buffer(type, buffer.shape);
        graph.Add(() => cast.copy_(buffer));
        return cast;
    }

    // The plan's own copy of a weight in the compute type.
    private static Tensor WeightCopy(CaptureGraph graph, Tensor weight, ScalarType type)
    {
        using var _ = no_grad();
        using var detached = weight.detach();
        return graph.Keep(detached.to(type));
    }
}
