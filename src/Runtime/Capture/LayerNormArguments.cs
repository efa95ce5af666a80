using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// The arguments of libtorch's <c>native_layer_norm_out</c> that are not tensors, laid out once in native memory: the
/// normalised shape (an <c>ArrayRef</c> of one width), the weight and bias as <c>std::optional&lt;at::Tensor&gt;</c>
/// (the tensor's implementation pointer, then the "engaged" flag; borrowed, so no reference count changes), and
/// room for the returned tuple of references. The tensors must outlive it: the graph keeps them.
/// </summary>
internal sealed unsafe class LayerNormArguments : NativeArguments
{
    // width (8) | weight optional (16) | bias optional (16) | returned tuple (24)
    public LayerNormArguments(long width, Tensor? weight, Tensor? bias) : base(64)
    {
        *(long*)Memory = width;
        BorrowOptional(Weight, weight);
        BorrowOptional(Bias, bias);
    }

    public IntPtr Shape => Memory;

    public IntPtr Weight => Memory + 8;

    public IntPtr Bias => Memory + 24;

    public IntPtr Result => Memory + 40;
}
