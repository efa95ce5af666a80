using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// A step writing <c>output = beta·output + alpha·(left @ right)</c> on oneDNN's matmul into the plan's buffers
    /// (<see cref="OneDnnMatmul"/>), or null when oneDNN does not take these buffers or got this configuration wrong when
    /// checked.
    /// </summary>
    private static Action? OneDnnMatmulStep(Tensor output, Tensor left, Tensor right, float beta, float alpha) =>
        OneDnnMatmul.TrustedInto(output, left, right, beta, alpha)
            ? () => OneDnnMatmul.Into(output, left, right, beta, alpha)
            : null;

    /// <summary>
    /// <c>output = beta·output + alpha·(left @ right)</c> over a batch of matrices: on oneDNN's matmul where it takes
    /// these buffers, otherwise (and under another thread count than recorded) libtorch's <c>baddbmm_</c> on MKL.
    /// </summary>
    private static Action BatchedProductStep(CaptureGraph graph, Tensor output, Tensor left, Tensor right, double beta, double alpha)
    {
        var (nativeBeta, nativeAlpha) = (graph.NativeScalar(beta), graph.NativeScalar(alpha));
        Action onBlas = () => LibTorchOperators.BatchedProductInto(output, left, right, nativeBeta, nativeAlpha);
        return OneDnnMatmulStep(output, left, right, (float)beta, (float)alpha) is { } onOneDnn ? OnRecordedThreads(onOneDnn, onBlas) : onBlas;
    }

    /// <summary>
    /// <paramref name="oneDnn"/> when replayed under the thread count it is recorded with, otherwise
    /// <paramref name="otherwise"/>: oneDNN's choice of kernel, and so its check, depends on the thread count.
    /// </summary>
    private static Action OnRecordedThreads(Action oneDnn, Action otherwise)
    {
        var threads = get_num_threads();
        return () =>
        {
            if (get_num_threads() == threads)
            {
                oneDnn();
            }
            else
            {
                otherwise();
            }
        };
    }
}
