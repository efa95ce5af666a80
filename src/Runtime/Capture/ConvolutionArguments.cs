using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// The arguments of libtorch's <c>mkldnn_convolution_out</c> that are not tensors, for a 1×1 convolution laid out once
/// in native memory: padding (0, 0), stride (1, 1) and dilation (1, 1) as <c>ArrayRef&lt;SymInt&gt;</c> values, the
/// group count as a <c>SymInt</c> (which C++ passes by reference: it has a destructor), and the bias as a
/// <c>std::optional&lt;at::Tensor&gt;</c> (borrowed, as in <see cref="LayerNormArguments"/>). The bias must outlive
/// it: the graph keeps it.
/// </summary>
internal sealed unsafe class ConvolutionArguments : IDisposable
{
    // padding (16) | stride (16) | dilation (16) | groups (8) | bias optional (16)
    private const int Bytes = 72;
    private IntPtr memory;

    public ConvolutionArguments(Tensor? bias)
    {
        memory = Marshal.AllocHGlobal(Bytes);
        new Span<byte>((void*)memory, Bytes).Clear();
        var values = (long*)memory;
        values[2] = values[3] = 1; // stride
        values[4] = values[5] = 1; // dilation
        values[6] = 1; // groups
        if (bias is not null)
        {
            *(IntPtr*)(memory + 56) = *(IntPtr*)bias.Handle;
            *(byte*)(memory + 64) = 1;
        }
    }

    public ArrayRef Padding => new(memory, 2);

    public ArrayRef Stride => new(memory + 16, 2);

    public ArrayRef Dilation => new(memory + 32, 2);

    public IntPtr Groups => memory + 48;

    public IntPtr Bias => memory + 56;

    public void Dispose()
    {
        if (memory != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(memory);
            memory = IntPtr.Zero;
        }
    }

    /// <summary><c>c10::ArrayRef</c> as it is passed by value: pointer, then length.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly struct ArrayRef(IntPtr data, nint length)
    {
        public readonly IntPtr Data = data;
        public readonly nint Length = length;
    }
}
