using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>Records a <see cref="Linear"/> layer: <c>[.., in] → [.., out]</c> as one <c>addmm_</c>.</summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its input buffer.</param>
    public static Tensor Record(CaptureGraph graph, Linear layer, Tensor input)
    {
        RequireWidth("Linear", input, layer.InFeatures);
        var output = graph.Buffer(ScalarType.Float32, WithLast(input.shape, layer.OutFeatures));
        LinearInto(graph, layer, Matrix(graph, input, layer.InFeatures), Matrix(graph, output, layer.OutFeatures), accumulate: false);
        return output;
    }

    /// <summary>Writes <c>input·Wᵀ + b</c> into <paramref name="output"/>, or adds it when <paramref name="accumulate"/>
    /// (a residual connection without a temporary).</summary>
    internal static void LinearInto(CaptureGraph graph, Linear layer, Tensor input, Tensor output, bool accumulate)
    {
        if (layer.Precision != Precision.Float32)
        {
            throw new NotSupportedException($"Capture plans compute in fp32, but a Linear layer runs in {layer.Precision}; set the model's Precision to Float32 before capturing.");
        }
        RequireFloat32("Linear", input);
        if (SessionRecording.Active && OneDnnProducts.Applies(input, layer.weight, layer.bias, layer.InFeatures, layer.OutFeatures, checkNow: true))
        {
            throw new NotSupportedException(
                $"Linear [{layer.InFeatures} → {layer.OutFeatures}] over {input.shape[0]} rows multiplies through oneDNN, faster eagerly than a plan's BLAS product; the session runs this shape eagerly.");
        }
        var transposed = graph.Keep(graph.Weight(layer.weight).t());
        var bias = layer.bias is null ? null : graph.Weight(layer.bias);
        var one = graph.Scalar(1); // passed explicitly: add_(tensor) would convert its default alpha on every call
        if (bias is null)
        {
            var beta = accumulate ? 1f : 0f;
            graph.Add(() => output.addmm_(input, transposed, beta, 1f));
        }
        else if (accumulate)
        {
            graph.Add(() =>
            {
                output.addmm_(input, transposed, 1f, 1f);
                output.add_(bias, one);
            });
        }
        else
        {
            graph.Add(() =>
            {
                output.copy_(bias);
                output.addmm_(input, transposed, 1f, 1f);
            });
        }
    }
}
