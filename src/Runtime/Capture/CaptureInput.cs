using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>An input slot of a capture plan: a buffer with the example's shape, dtype and device, and the
/// guard that refuses anything else before a byte is written.</summary>
public sealed class CaptureInput
{
    private readonly string owner;

    internal CaptureInput(string owner, string name, Tensor buffer)
    {
        this.owner = owner;
        Name = name;
        Buffer = buffer;
    }

    /// <summary>The parameter name of the forward this slot feeds.</summary>
    public string Name { get; }

    /// <summary>The buffer the replay reads; <see cref="Load"/> copies each new input into it.</summary>
    public Tensor Buffer { get; }

    /// <summary>Throws unless <paramref name="input"/> has the captured shape, dtype and device.</summary>
    /// <param name="input">The tensor offered for replay.</param>
    public void Check(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input, Name);
        if (input.dtype != Buffer.dtype || input.device_type != Buffer.device_type || input.device_index != Buffer.device_index || !SameShape(input))
        {
            throw new ArgumentException(
                $"{owner}: input '{Name}' is {Describe(input)}, but the plan was captured for {Describe(Buffer)}; " +
                "capture another plan for these shapes.", Name);
        }
    }

    /// <summary>Copies <paramref name="input"/> into the slot's buffer (no allocation).</summary>
    /// <param name="input">A tensor that passed <see cref="Check"/>.</param>
    public void Load(Tensor input) => Buffer.copy_(input);

    private bool SameShape(Tensor input)
    {
        if (input.Dimensions != Buffer.Dimensions)
        {
            return false;
        }
        for (var i = 0; i < input.Dimensions; i++)
        {
            if (input.size(i) != Buffer.size(i))
            {
                return false;
            }
        }
        return true;
    }

    private static string Describe(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}] {tensor.dtype} on {tensor.device}";
}
