using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// The arguments of libtorch's <c>mkldnn_convolution_out</c> that are not tensors, for a 1×1 convolution laid out once
/// in native memory: padding (0, 0), stride (1, 1) and dilation (1, 1) as <c>ArrayRef&lt;SymInt&gt;</c> values, the
/// group count as a <c>SymInt</c> (which C++ passes by reference: it has a destructor), and the bias as a
/// <c>std::optional&lt;at::Tensor&gt;</c> (borrowed). The bias must outlive it: the graph keeps it.
/// </summary>
internal sealed unsafe class ConvolutionArguments : NativeArguments
{
    // padding (16) | stride (16) | dilation (16) | groups (8) | bias optional (16)
    public ConvolutionArguments(Tensor? bias) : base(72)
    {
        var values = (long*)Memory;
        values[2] = values[3] = 1; // stride
        values[4] = values[5] = 1; // dilation
        values[6] = 1; // groups
        BorrowOptional(Bias, bias);
    }

    public ArrayRef Padding => new(Memory, 2);

    public ArrayRef Stride => new(Memory + 16, 2);

    public ArrayRef Dilation => new(Memory + 32, 2);

    public IntPtr Groups => Memory + 48;

    public IntPtr Bias => Memory + 56;

    /// <summary><c>c10::ArrayRef</c> as it is passed by value: pointer, then length.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly struct ArrayRef(IntPtr data, nint length)
    {
        public readonly IntPtr Data = data;
        public readonly nint Length = length;
    }
}
