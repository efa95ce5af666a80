using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// A zeroed block of native memory holding the non-tensor arguments of one <see cref="LibTorchOperators"/> call,
/// laid out once when a step is recorded and freed with the graph.
/// </summary>
internal abstract unsafe class NativeArguments : IDisposable
{
    protected NativeArguments(int bytes)
    {
        Memory = Marshal.AllocHGlobal(bytes);
        new Span<byte>((void*)Memory, bytes).Clear();
    }

    protected IntPtr Memory { get; private set; }

    public void Dispose()
    {
        if (Memory != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(Memory);
            Memory = IntPtr.Zero;
        }
    }

    /// <summary>Writes <paramref name="tensor"/> as a <c>std::optional&lt;at::Tensor&gt;</c> at <paramref name="optional"/>
    /// (left disengaged when null): the tensor's implementation pointer, then the "engaged" flag. Borrowed, so no
    /// reference count changes: the tensor must outlive the arguments (the graph keeps it).</summary>
    protected static void BorrowOptional(IntPtr optional, Tensor? tensor)
    {
        // An at::Tensor is one pointer to its implementation; TorchSharp's handle points to an at::Tensor.
        if (tensor is not null)
        {
            *(IntPtr*)optional = *(IntPtr*)tensor.Handle;
            *(byte*)(optional + 8) = 1;
        }
    }
}
