using System;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Training;

/// <summary>
/// libtorch's fused AdamW kernel (<c>at::_ops::_fused_adamw_::call</c>, what <c>torch.optim.AdamW(fused=True)</c> runs)
/// applied to <see cref="FlatAdamW"/>'s flat fp32 buffers on the CPU: one vectorised pass that reads the parameters,
/// gradients and both moments and writes them back, where the same update in TorchSharp operations makes about ten
/// passes over buffers of the model's size. TorchSharp does not expose the operator; it is called at libtorch's entry
/// point, as the capture plans' operators are (<see cref="Capture.LibTorchLibrary"/>: Linux x64, System V convention).
/// </summary>
/// <remarks>
/// A libtorch error would end the process here, so the kernel is only made for buffers that meet every check the
/// operator makes: one list entry each, all fp32, contiguous, the same length, on the CPU; no AMSGrad (an empty list);
/// the step count in an fp32 scalar on the CPU; no gradient scaling.
/// </remarks>
internal sealed unsafe class FusedAdamWKernel : IDisposable
{
    private const string Symbol =
        "_ZN2at4_ops13_fused_adamw_4callEN3c108ArrayRefINS_6TensorEEES5_S5_S5_S5_S5_dddddbbRKSt8optionalIS4_ES9_";

    private static readonly Lazy<IntPtr> Entry = new(Resolve);

    private readonly Tensor step;
    private IntPtr absent; // a disengaged std::optional<at::Tensor>: 16 zero bytes

    private FusedAdamWKernel()
    {
        step = zeros(Array.Empty<long>(), ScalarType.Float32).DetachFromDisposeScope();
        absent = Marshal.AllocHGlobal(16);
        new Span<byte>((void*)absent, 16).Clear();
    }

    // c10::ArrayRef<at::Tensor>: a pointer to at::Tensor objects and their count, passed by value. A TorchSharp
    // handle points to one at::Tensor, so a list of one tensor is its handle and 1.
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct TensorList(IntPtr data, nint length)
    {
        public readonly IntPtr Data = data;
        public readonly nint Length = length;
    }

    /// <summary>The kernel for these buffers, or null when it cannot run them (then the caller uses TorchSharp operations).</summary>
    public static FusedAdamWKernel? TryCreate(params Tensor[] buffers)
    {
        var length = buffers[0].numel();
        foreach (var buffer in buffers)
        {
            if (buffer.dtype != ScalarType.Float32 || buffer.device_type != DeviceType.CPU || !buffer.is_contiguous() || buffer.numel() != length)
            {
                return null;
            }
        }
        return Entry.Value == IntPtr.Zero ? null : new FusedAdamWKernel();
    }

    /// <summary>One AdamW step at step count <paramref name="stepCount"/> (1 for the first), in place.</summary>
    public void Step(Tensor values, Tensor gradients, Tensor average, Tensor averageSquare, long stepCount,
        double learningRate, double beta1, double beta2, double weightDecay, double epsilon)
    {
        ObjectDisposedException.ThrowIf(absent == IntPtr.Zero, this);
        step.fill_(stepCount);
        var call = (delegate* unmanaged<TensorList, TensorList, TensorList, TensorList, TensorList, TensorList,
            double, double, double, double, double, byte, byte, IntPtr, IntPtr, void>)Entry.Value;
        call(One(values), One(gradients), One(average), One(averageSquare), new TensorList(IntPtr.Zero, 0), One(step),
            learningRate, beta1, beta2, weightDecay, epsilon, 0, 0, absent, absent);
    }

    public void Dispose()
    {
        if (absent != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(absent);
            absent = IntPtr.Zero;
            step.Dispose();
        }
    }

    private static TensorList One(Tensor tensor) => new(tensor.Handle, 1);

    private static IntPtr Resolve() => Capture.LibTorchLibrary.ExportOrZero(Symbol);
}
