using System;
using Torchwright.Runtime.Capture;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// The softmax's backward over the last dimension, <c>dS = P ⊙ (dP − rowsum(dP ⊙ P))</c>, in place on <c>dP</c>: libtorch's
/// own kernel (<c>_softmax_backward_data.out</c>, called at its C++ entry point; TorchSharp does not expose it), which
/// for bf16 reads and writes bf16 and computes in fp32. One pass over the scores, where TorchSharp's operators take
/// three with fp32 temporaries (used by bf16 causal blocks, see <see cref="CausalBlockAttention"/>).
/// </summary>
internal static unsafe class SoftmaxBackward
{
    private const string Symbol = "_ZN2at4_ops26_softmax_backward_data_out4callERKNS_6TensorES4_lN3c1010ScalarTypeERS2_";

    private static readonly Lazy<IntPtr> Entry = new(() => LibTorchLibrary.ExportOrZero(Symbol));

    /// <summary>Whether this libtorch exports the kernel (Linux x64); elsewhere <see cref="InPlace"/> computes the formula
    /// with TorchSharp's operators, in fp32.</summary>
    public static bool Available => Entry.Value != IntPtr.Zero;

    /// <summary>Overwrites <paramref name="scoreGradient"/> (<c>dP</c>) with the scores' gradient, given the softmax's
    /// <paramref name="weights"/> (<c>P</c>): both contiguous CPU tensors of one shape and element type.</summary>
    public static void InPlace(Tensor scoreGradient, Tensor weights)
    {
        // A libtorch error thrown through the call would end the process: every argument is checked here first.
        if (!scoreGradient.is_contiguous() || !weights.is_contiguous() || scoreGradient.dtype != weights.dtype
            || !scoreGradient.shape.AsSpan().SequenceEqual(weights.shape) || scoreGradient.device_type != TorchSharp.DeviceType.CPU)
        {
            throw new ArgumentException("The softmax backward takes contiguous CPU tensors of one shape and type.", nameof(weights));
        }
        if (!Available)
        {
            ByFormula(scoreGradient, weights);
            return;
        }
        // Each element is written from the same position of both inputs once its row's sum is taken, so the output may be dP.
        var call = (delegate* unmanaged<IntPtr, IntPtr, long, sbyte, IntPtr, IntPtr>)Entry.Value;
        call(scoreGradient.Handle, weights.Handle, scoreGradient.dim() - 1, (sbyte)scoreGradient.dtype, scoreGradient.Handle);
    }

    /// <summary>The same in fp32 with TorchSharp's operators, rounded once into <paramref name="scoreGradient"/>: three
    /// passes over the scores and two fp32 temporaries, where the kernel takes one (a bf16 layer's forward and backward
    /// about 10 % slower at the large byte GPT's size).</summary>
    internal static void ByFormula(Tensor scoreGradient, Tensor weights)
    {
        using var wide = scoreGradient.to(ScalarType.Float32);
        using var rowDot = (wide * weights).sum(-1, keepdim: true);
        scoreGradient.copy_(wide.sub_(rowDot).mul_(weights));
    }
}
