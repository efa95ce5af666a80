using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// The arguments of libtorch's <c>native_layer_norm_out</c> that are not tensors, laid out once in native memory: the
/// normalised shape (an <c>ArrayRef</c> of one width), the weight and bias as <c>std::optional&lt;at::Tensor&gt;</c>
/// (the tensor's implementation pointer, then the "engaged" flag; borrowed, so no reference count changes), and
/// room for the returned tuple of references. The tensors must outlive it: the graph keeps them.
/// </summary>
internal sealed unsafe class LayerNormArguments : IDisposable
{
    private IntPtr memory;

    public LayerNormArguments(long width, Tensor? weight, Tensor? bias)
    {
        // width (8) | weight optional (16) | bias optional (16) | returned tuple (24)
        memory = Marshal.AllocHGlobal(64);
        new Span<byte>((void*)memory, 64).Clear();
        *(long*)memory = width;
        Borrow(Weight, weight);
        Borrow(Bias, bias);
    }

    public IntPtr Shape => memory;

    public IntPtr Weight => memory + 8;

    public IntPtr Bias => memory + 24;

    public IntPtr Result => memory + 40;

    public void Dispose()
    {
        if (memory != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(memory);
            memory = IntPtr.Zero;
        }
    }

    // An at::Tensor is one pointer to its implementation; TorchSharp's handle points to an at::Tensor.
    private static void Borrow(IntPtr optional, Tensor? tensor)
    {
        if (tensor is not null)
        {
            *(IntPtr*)optional = *(IntPtr*)tensor.Handle;
            *(byte*)(optional + 8) = 1;
        }
    }
}
