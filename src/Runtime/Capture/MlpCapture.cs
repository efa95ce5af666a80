using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>The MLP of the rows of <paramref name="input"/>, added into <paramref name="output"/>; the activation runs in place.</summary>
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
            graph.Add(() => NativeInPlace.GeluInPlace(hidden));
        }
        LinearInto(graph, mlp.fc2, hidden, output, accumulate: true);
    }
}
