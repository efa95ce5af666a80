using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Tests;

/// <summary>One attention layer run forward and backward under each of several kernels, for comparing them.</summary>
internal static class AttentionRuns
{
    /// <summary>Names of the gradients <see cref="ForwardBackward"/> returns, in order.</summary>
    public static readonly string[] GradientNames = { "input", "qkv.weight", "proj.weight" };

    /// <summary>|low − exact| / |exact| over all values (Frobenius norms), <paramref name="low"/> widened to fp32 first: a
    /// rounding slip that a largest difference hides shows here.</summary>
    public static float RelativeError(Tensor low, Tensor exact)
        => (low.to(ScalarType.Float32) - exact).norm().item<float>() / exact.norm().item<float>();

    /// <summary>For each kernel: the output for <paramref name="x"/> (which records gradients) and, after a backward of
    /// <c>sum(output · weights)</c>, the gradients of the input, the packed projection's weight and the output
    /// projection's weight. The caller disposes them.</summary>
    public static (Tensor Output, Tensor[] Gradients)[] ForwardBackward(Attention attention, Tensor x, Tensor weights, params AttentionKernel[] kernels)
    {
        var results = new (Tensor Output, Tensor[] Gradients)[kernels.Length];
        for (var i = 0; i < kernels.Length; i++)
        {
            using var choice = AttentionKernelChoice.Use(kernels[i]);
            attention.zero_grad();
            x.grad?.zero_();
            using var y = attention.forward(x);
            using (var loss = (y * weights).sum())
            {
                loss.backward();
            }
            results[i] = (y.detach().clone(), new[] { x.grad!.clone(), attention.qkv!.weight!.grad!.clone(), attention.proj.weight!.grad!.clone() });
        }
        return results;
    }
}
