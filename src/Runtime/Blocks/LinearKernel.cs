using System;

namespace Torchwright.Runtime.Blocks;

/// <summary>The kernel a <see cref="Linear"/> layer's fused path multiplies with.</summary>
public enum LinearKernel
{
    /// <summary>oneDNN for contiguous CPU products with more than one libtorch thread: its inner product (fp32, bf16)
    /// from 8·2²⁰ multiply-adds when no gradients are recorded, its 1×1 convolution (fp32) from 24·2²⁰ when they are;
    /// <c>linear</c> for the rest.</summary>
    Automatic,

    /// <summary>TorchSharp's <c>linear</c>: the BLAS libtorch was built with (MKL on x64; oneDNN's matmul for bf16).</summary>
    Blas,

    /// <summary>oneDNN wherever the input allows it, whatever the size: its inner product without gradients, its 1×1
    /// convolution over a channels-last view (fp32) with them.</summary>
    OneDnn,
}

/// <summary>
/// Overrides the <see cref="Linear"/> kernel choice on the current thread, e.g. to compare kernels or to reproduce
/// figures measured with BLAS. The reference path is unaffected.
/// </summary>
public static class LinearKernelChoice
{
    /// <summary>The kernel asked for on this thread; <see cref="LinearKernel.Automatic"/> unless inside <see cref="Use"/>.</summary>
    public static LinearKernel Current => ThreadOverride<LinearKernel>.Current;

    /// <summary>Runs this thread's fp32 linear layers with <paramref name="kernel"/> until the result is disposed.</summary>
    /// <param name="kernel">The kernel to use.</param>
    public static IDisposable Use(LinearKernel kernel) => ThreadOverride<LinearKernel>.Use(kernel);
}
