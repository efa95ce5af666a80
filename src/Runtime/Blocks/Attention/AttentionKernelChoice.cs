using System;

namespace Torchwright.Runtime.Blocks;

/// <summary>The kernel the fused attention path runs.</summary>
public enum AttentionKernel
{
    /// <summary>Explicit scores where they are faster and fit in 32 MB; beyond that, chunked explicit scores for bf16/fp16
    /// inference and for plain causal fp32 and bf16 attention (training too, while the weights its backward keeps fit in 256 MB),
    /// and <c>scaled_dot_product_attention</c> elsewhere. Plain causal fp32 training takes the chunked kernel's query
    /// blocks at any size where oneDNN multiplies their products (more than one thread, large enough products).</summary>
    Automatic,

    /// <summary>Scores held explicitly: two batched GEMMs around a softmax (fastest on CPUs at small and medium sizes).</summary>
    ExplicitScores,

    /// <summary>TorchSharp's <c>scaled_dot_product_attention</c>, which never holds the whole score matrix.</summary>
    ScaledDotProduct,
    /// <summary>Explicit scores in slices of heads of at most 8 MB each, plain causal attention also in blocks of queries
    /// (chosen automatically past 32 MB of scores for inference in bf16/fp16, and for plain causal fp32 and bf16
    /// attention with gradients too); forced, it also records gradients, without dropout.</summary>
    ChunkedScores,

    /// <summary>Block-diagonal attention (query and key groups given) over the pairs of a query and a key of the same group
    /// only, instead of all keys behind a mask (chosen automatically on the CPU while the pairs times the head width stay
    /// within the B·T·S scores; not with causal, prefix or window masks, a score bias or softmax1, where the automatic choice runs).</summary>
    GroupedKeys,
}

/// <summary>
/// Overrides the attention kernel choice on the current thread, e.g. to keep memory flat at long sequence lengths
/// with <see cref="AttentionKernel.ScaledDotProduct"/>, or to compare kernels. The reference path is unaffected.
/// </summary>
public static class AttentionKernelChoice
{
    /// <summary>The kernel asked for on this thread; <see cref="AttentionKernel.Automatic"/> unless inside <see cref="Use"/>.</summary>
    public static AttentionKernel Current => ThreadOverride<AttentionKernel>.Current;

    /// <summary>Runs this thread's fused attention with <paramref name="kernel"/> until the result is disposed.</summary>
    /// <param name="kernel">The kernel to use.</param>
    public static IDisposable Use(AttentionKernel kernel) => ThreadOverride<AttentionKernel>.Use(kernel);
}
