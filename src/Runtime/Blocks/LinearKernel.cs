using System;

namespace Torchwright.Runtime.Blocks;

/// <summary>The kernel an fp32 <see cref="Linear"/> layer's fused path multiplies with.</summary>
public enum LinearKernel
{
    /// <summary>oneDNN for contiguous CPU products of at least 24·2²⁰ (about 25M) multiply-adds, BLAS (<c>linear</c>)
    /// for the rest.</summary>
    Automatic,

    /// <summary>TorchSharp's <c>linear</c>: the BLAS libtorch was built with (MKL on x64).</summary>
    Blas,

    /// <summary>oneDNN's 1×1 convolution over a channels-last view, wherever the input allows it, whatever the size.</summary>
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
