using System;
using System.Runtime.InteropServices;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// libtorch operators that TorchSharp does not expose in place, called at libtorch's own operator entry points
/// (<c>at::_ops::NAME::call</c>, C++ functions taking tensors and scalars by reference): a batched product written
/// into a buffer (<c>baddbmm_</c>), a softmax, a layer norm, a row gather and oneDNN's convolution written into
/// buffers, and activations in place. Each call returns the buffer it wrote, so no TorchSharp tensor is created (the
/// convolution's out-variant computes into a native temporary that libtorch copies into the buffer). TorchSharp's tensor and scalar handles
/// are pointers to libtorch's <c>at::Tensor</c> and <c>c10::Scalar</c>, which is what these functions take.
/// </summary>
/// <remarks>
/// A libtorch error thrown through these calls would end the process rather than raise a managed exception, so the
/// recorders check every shape when they record, replays only ever see the recorded buffers, and an index that comes
/// from the user's data reaches a call here only after a TorchSharp call has checked it (an embedding's ids are
/// scattered into a buffer of the table's length first, which reports a bad id).
/// The entry points are resolved by their C++ names in libtorch_cpu and called with the x86-64 System V convention
/// (a struct returned in memory comes back through a hidden first argument), so capture runs on Linux x64, where it
/// is tested; elsewhere it refuses with <see cref="NotSupportedException"/>.
/// </remarks>
internal static unsafe class LibTorchOperators
{
    private static readonly Lazy<EntryPoints> Entries = new(Resolve);

    // string_view as libstdc++ lays it out and passes it by value: length, then pointer.
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct StringView(nint length, IntPtr data)
    {
        public readonly nint Length = length;
        public readonly IntPtr Data = data;
    }

    private static readonly StringView Tanh = new(4, Marshal.StringToHGlobalAnsi("tanh"));
    private static readonly StringView NoApproximation = new(4, Marshal.StringToHGlobalAnsi("none"));

    /// <summary><c>output = beta·output + alpha·(left @ right)</c> over a batch of matrices, written into <paramref name="output"/>.</summary>
    public static void BatchedProductInto(Tensor output, Tensor left, Tensor right, NativeScalar beta, NativeScalar alpha)
        => Entries.Value.BatchedProduct(output.Handle, left.Handle, right.Handle, beta.Handle, alpha.Handle);

    /// <summary>Softmax over the last dimension of <paramref name="input"/>, written into <paramref name="output"/> (may be the input).</summary>
    public static void SoftmaxInto(Tensor input, Tensor output)
        => Entries.Value.Softmax(input.Handle, -1, 0, output.Handle);

    /// <summary>The rows of <paramref name="input"/> at <paramref name="index"/> (int64) along <paramref name="dimension"/>, written into <paramref name="output"/>.</summary>
    public static void IndexSelectInto(Tensor input, long dimension, Tensor index, Tensor output)
        => Entries.Value.IndexSelect(input.Handle, dimension, index.Handle, output.Handle);

    /// <summary>Layer norm of the rows of <paramref name="input"/> (<c>[N, D]</c>) into <paramref name="output"/>, with the row
    /// means and reciprocal deviations into <paramref name="mean"/> and <paramref name="rstd"/> (<c>[N, 1]</c>): libtorch's fused kernel.</summary>
    public static void LayerNormInto(Tensor input, LayerNormArguments arguments, double eps, Tensor output, Tensor mean, Tensor rstd)
        => Entries.Value.LayerNorm(arguments.Result, input.Handle, arguments.Shape, 1, arguments.Weight, arguments.Bias, eps, output.Handle, mean.Handle, rstd.Handle);

    /// <summary>oneDNN's 1×1 convolution of the channels-last <paramref name="image"/> by <paramref name="filters"/>
    /// (and the bias in <paramref name="arguments"/>), written into <paramref name="output"/>, <c>[1, out, pixels, 1]</c>.</summary>
    public static void ConvolutionInto(Tensor image, Tensor filters, ConvolutionArguments arguments, Tensor output)
        => Entries.Value.Convolution(image.Handle, filters.Handle, arguments.Bias, arguments.Padding, arguments.Stride, arguments.Dilation, arguments.Groups, output.Handle);

    /// <summary>Applies <paramref name="activation"/> to <paramref name="tensor"/> in place.</summary>
    public static void ActivateInPlace(Tensor tensor, Activation activation)
    {
        var entries = Entries.Value;
        switch (activation)
        {
            case Activation.Gelu: entries.Gelu(tensor.Handle, NoApproximation); break;
            case Activation.GeluTanh: entries.Gelu(tensor.Handle, Tanh); break;
            case Activation.Relu: entries.Relu(tensor.Handle); break;
            case Activation.Silu: entries.Silu(tensor.Handle); break;
            default: throw new NotSupportedException($"No in-place capture of activation {activation}.");
        }
    }

    /// <summary>Throws <see cref="NotSupportedException"/> now, at recording, if the entry points cannot be found.</summary>
    public static void Require() => _ = Entries.Value;

    private sealed class EntryPoints
    {
        public delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr> BatchedProduct;
        public delegate* unmanaged<IntPtr, long, byte, IntPtr, IntPtr> Softmax;
        public delegate* unmanaged<IntPtr, long, IntPtr, IntPtr, IntPtr> IndexSelect;
        // The tuple of three references comes back through a hidden first argument (24 bytes: returned in memory).
        public delegate* unmanaged<IntPtr, IntPtr, IntPtr, nint, IntPtr, IntPtr, double, IntPtr, IntPtr, IntPtr, IntPtr> LayerNorm;
        public delegate* unmanaged<IntPtr, StringView, IntPtr> Gelu;
        public delegate* unmanaged<IntPtr, IntPtr, IntPtr, ConvolutionArguments.ArrayRef, ConvolutionArguments.ArrayRef, ConvolutionArguments.ArrayRef, IntPtr, IntPtr, IntPtr> Convolution;
        public delegate* unmanaged<IntPtr, IntPtr> Relu;
        public delegate* unmanaged<IntPtr, IntPtr> Silu;
    }

    private static EntryPoints Resolve()
    {
        if (LibTorchLibrary.Unavailable is { } reason)
        {
            throw new NotSupportedException($"Capture plans call libtorch's operators directly: {reason}");
        }
        return new EntryPoints
        {
            BatchedProduct = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr>)Export("_ZN2at4_ops8baddbmm_4callERNS_6TensorERKS2_S5_RKN3c106ScalarES9_", "baddbmm_"),
            Softmax = (delegate* unmanaged<IntPtr, long, byte, IntPtr, IntPtr>)Export("_ZN2at4_ops12_softmax_out4callERKNS_6TensorElbRS2_", "_softmax.out"),
            IndexSelect = (delegate* unmanaged<IntPtr, long, IntPtr, IntPtr, IntPtr>)Export("_ZN2at4_ops16index_select_out4callERKNS_6TensorElS4_RS2_", "index_select.out"),
            LayerNorm = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, nint, IntPtr, IntPtr, double, IntPtr, IntPtr, IntPtr, IntPtr>)Export(
                "_ZN2at4_ops21native_layer_norm_out4callERKNS_6TensorEN3c108ArrayRefINS5_6SymIntEEERKSt8optionalIS2_ESC_dRS2_SD_SD_", "native_layer_norm.out"),
            Gelu = (delegate* unmanaged<IntPtr, StringView, IntPtr>)Export("_ZN2at4_ops5gelu_4callERNS_6TensorESt17basic_string_viewIcSt11char_traitsIcEE", "gelu_"),
            Relu = (delegate* unmanaged<IntPtr, IntPtr>)Export("_ZN2at4_ops5relu_4callERNS_6TensorE", "relu_"),
            Silu = (delegate* unmanaged<IntPtr, IntPtr>)Export("_ZN2at4_ops5silu_4callERNS_6TensorE", "silu_"),
            Convolution = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, ConvolutionArguments.ArrayRef, ConvolutionArguments.ArrayRef, ConvolutionArguments.ArrayRef, IntPtr, IntPtr, IntPtr>)Export(
                "_ZN2at4_ops22mkldnn_convolution_out4callERKNS_6TensorES4_RKSt8optionalIS2_EN3c108ArrayRefINS9_6SymIntEEESC_SC_SB_RS2_", "mkldnn_convolution.out"),
        };
    }

    private static IntPtr Export(string symbol, string name)
        => LibTorchLibrary.TryGetExport(symbol, out var address) ? address
            : throw new NotSupportedException($"Capture plans need libtorch's in-place operator '{name}', which this libtorch does not export ({symbol}).");
}
