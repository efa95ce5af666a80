using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Training;

/// <summary>Global gradient norm without clipping.</summary>
internal static class GradientNorm
{
    /// <summary>
    /// L2 norm over all gradients of <paramref name="parameters"/> (parameters without a gradient are skipped),
    /// the same quantity <c>clip_grad_norm_</c> reports. Call inside a dispose scope.
    /// </summary>
    public static double Global(IEnumerable<Parameter> parameters)
    {
        var norms = new List<Tensor>();
        foreach (var p in parameters)
        {
            var grad = p.grad;
            if (grad is not null) norms.Add(linalg.vector_norm(grad.detach().to_type(ScalarType.Float64)));
        }
        if (norms.Count == 0) return 0;
        return linalg.vector_norm(stack(norms)).cpu().item<double>();
    }
}
