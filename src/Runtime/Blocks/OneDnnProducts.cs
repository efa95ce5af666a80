using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// fp32 <c>x·Wᵀ + b</c> through oneDNN. On CPUs where libtorch's MKL takes its generic path (AMD processors, some
/// virtual machines) its sgemm reaches about half of what the AVX-512 units can do; oneDNN, which libtorch bundles,
/// picks its kernels by instruction set. libtorch reaches oneDNN's fp32 GEMMs only through convolution, so the rows of
/// <c>x</c> become the pixels of a channels-last image and <c>W</c> a 1×1 filter bank: same arithmetic, no copies
/// in or out. Autograd runs oneDNN's backward-data and backward-weights kernels.
/// </summary>
internal static class OneDnnProducts
{
    /// <summary>Below this many multiply-adds per call oneDNN's per-call cost (primitive lookup, weight reorder) outweighs
    /// its faster kernel (measured on this project's machines: even at about 17M, ahead from about 25M).</summary>
    public const long MinimumMultiplyAdds = 24L << 20;

    private const long LibTorchSmallImage = 20_480;

    /// <summary>Whether this product goes to oneDNN: the kernel choice asks for it, libtorch would take oneDNN, and
    /// oneDNN computed this configuration right when checked on its first call (<see cref="OneDnnVerdicts"/>).</summary>
    public static bool Applies(Tensor input, Tensor weight, Tensor? bias, long inFeatures, long outFeatures)
    {
        var choice = LinearKernelChoice.Current;
        if (choice == LinearKernel.Blas || input.device_type != TorchSharp.DeviceType.CPU || !input.is_contiguous() || !weight.is_contiguous())
        {
            return false;
        }
        var rows = input.numel() / inFeatures;
        // libtorch sends a 1×1 convolution of one image to oneDNN only with more than one thread and more than
        // 20,480 input values; otherwise it runs its own convolution, which calls BLAS anyway.
        if (get_num_threads() < 2 || rows * inFeatures <= LibTorchSmallImage)
        {
            return false;
        }
        if (choice != LinearKernel.OneDnn && rows * inFeatures * outFeatures < MinimumMultiplyAdds)
        {
            return false;
        }
        return OneDnnVerdicts.Trusted(rows, inFeatures, outFeatures, bias is not null, RecordsGradients(input, weight, bias), forced: choice == LinearKernel.OneDnn);
    }

    private static bool RecordsGradients(Tensor input, Tensor weight, Tensor? bias) =>
        is_grad_enabled() && (input.requires_grad || weight.requires_grad || bias is { requires_grad: true });

    /// <summary><c>input·weightᵀ + bias</c>, <c>[.., in] → [.., out]</c>; <see cref="Applies"/> must hold.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        long outFeatures = weight.shape[0], inFeatures = weight.shape[1];
        var rows = input.numel() / inFeatures;
        var outputShape = (long[])input.shape.Clone();
        outputShape[^1] = outFeatures;
        using var image = input.reshape(1, rows, 1, inFeatures).permute(0, 3, 1, 2);
        var widths = OneDnnChannelGuard.SafeOutputWidths(inFeatures, outFeatures, RecordsGradients(input, weight, bias));
        if (widths.Count == 1)
        {
            using var filters = weight.view(outFeatures, inFeatures, 1, 1);
            return Pixels(image, filters, bias, outputShape);
        }
        var parts = new List<Tensor>();
        try
        {
            long start = 0;
            foreach (var width in widths)
            {
                using var rowsOfWeight = weight.narrow(0, start, width);
                using var filters = rowsOfWeight.view(width, inFeatures, 1, 1);
                using var biasPart = bias?.narrow(0, start, width);
                var partShape = (long[])outputShape.Clone();
                partShape[^1] = width;
                parts.Add(Pixels(image, filters, biasPart, partShape));
                start += width;
            }
            return cat(parts, -1);
        }
        finally
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    // The convolution's channels-last output [1, out, pixels, 1] is already [.., out] row-major: a view.
    private static Tensor Pixels(Tensor image, Tensor filters, Tensor? bias, long[] outputShape)
    {
        using var output = nn.functional.conv2d(image, filters, bias);
        using var channelsLast = output.permute(0, 2, 3, 1);
        return channelsLast.view(outputShape);
    }
}
