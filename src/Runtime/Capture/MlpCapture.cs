using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// The MLP of the rows of <paramref name="input"/>, added into <paramref name="output"/>. The activation runs in
    /// place; gated, the activated gate half is multiplied by the value half in place and the narrowing layer reads
    /// that half as a strided matrix. The hidden rows are in the widening layer's compute type (bf16 under mixed
    /// precision), as the eager network activates them.
    /// </summary>
    internal static void MlpInto(CaptureGraph graph, Mlp mlp, Tensor input, Tensor output)
    {
        LibTorchOperators.Require();
        var widened = graph.Buffer(Precisions.ComputeType(mlp.fc1.Precision), input.size(0), mlp.Gated ? 2 * mlp.Hidden : mlp.Hidden);
        LinearInto(graph, mlp.fc1, input, widened, accumulate: false);
        var activation = mlp.Activation;
        if (!mlp.Gated)
        {
            graph.Add(() => LibTorchOperators.ActivateInPlace(widened, activation));
            LinearInto(graph, mlp.fc2, widened, output, accumulate: true);
            return;
        }
        var gate = graph.Keep(widened.narrow(1, 0, mlp.Hidden));
        var value = graph.Keep(widened.narrow(1, mlp.Hidden, mlp.Hidden));
        graph.Add(() =>
        {
            LibTorchOperators.ActivateInPlace(gate, activation);
            gate.mul_(value);
        });
        LinearInto(graph, mlp.fc2, gate, output, accumulate: true);
    }
}
