using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>The MLP of the rows of <paramref name="input"/>, added into <paramref name="output"/>. GELU is written
    /// out with <c>erf_</c>, since TorchSharp's <c>gelu_</c> wraps its result in a new tensor on every call.</summary>
    internal static void MlpInto(CaptureGraph graph, Mlp mlp, Tensor input, Tensor output)
    {
        if (mlp.Gated || mlp.Activation is not (Activation.Gelu or Activation.Relu))
        {
            throw new NotSupportedException($"Capture plans cover ungated GELU and ReLU MLPs yet, not {(mlp.Gated ? "gated " : "")}{mlp.Activation}.");
        }
        var hidden = graph.Buffer(ScalarType.Float32, input.size(0), mlp.Hidden);
        LinearInto(graph, mlp.fc1, input, hidden, accumulate: false);
        if (mlp.Activation == Activation.Relu)
        {
            graph.Add(() => hidden.relu_());
        }
        else
        {
            var gate = graph.Buffer(ScalarType.Float32, input.size(0), mlp.Hidden);
            var inverseRoot2 = graph.Scalar(1 / Math.Sqrt(2));
            var one = graph.Scalar(1);
            var half = graph.Scalar(0.5);
            graph.Add(() =>
            {
                // gelu(x) = x · (1 + erf(x/√2)) / 2
                gate.copy_(hidden);
                gate.mul_(inverseRoot2);
                gate.erf_();
                gate.add_(one);
                gate.mul_(half);
                hidden.mul_(gate);
            });
        }
        LinearInto(graph, mlp.fc2, hidden, output, accumulate: true);
    }
}
