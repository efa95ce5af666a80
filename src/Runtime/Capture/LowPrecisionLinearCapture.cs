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
        var typedInput = input.dtype == type ? input : graph.CastOf(input, type);
        var product = output.dtype == type ? output : graph.Buffer(type, output.shape);
        var transposed = graph.Keep(graph.Weight(layer.weight, type).t());
        graph.Add(BlasStep(graph, transposed, layer.bias is null ? null : graph.Weight(layer.bias, type),
            typedInput, product, accumulate && ReferenceEquals(product, output)));
        if (ReferenceEquals(product, output))
        {
            return;
        }
        var one = graph.Scalar(1);
        graph.Add(accumulate ? () => output.add_(product, one) : () => output.copy_(product));
    }
}
