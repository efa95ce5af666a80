using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// A forward pass captured for static shapes: every intermediate and output buffer is allocated once when
/// the plan is made, and each replay copies the inputs in and reruns the same maths in place into the same
/// buffers. The generator derives one plan type per <c>[Capturable]</c> forward and adds its typed
/// <c>Replay</c>. This is the seam where a CUDA graph would be recorded (see docs/capture.md).
/// </summary>
public abstract class CapturePlan : IDisposable
{
    // How closely a replay on one thread must reproduce one on all threads, relative to the result's largest |value|:
    // the two agree to about 1e-6 (bit for bit at the byte GPT's small size), a wrong kernel is off by about 0.5.
    private const double Agreement = 1e-4;
    private const double LowPrecisionAgreement = 2e-2;

    private Tensor? output;

    /// <summary>Starts an empty plan on <paramref name="device"/>.</summary>
    /// <param name="owner">Names the forward in error messages, e.g. <c>ByteGpt.Forward</c>.</param>
    /// <param name="device">Where the buffers live.</param>
    protected CapturePlan(string owner, Device device)
    {
        Owner = owner;
        Graph = new CaptureGraph(device);
    }

    /// <summary>Names the captured forward.</summary>
    public string Owner { get; }

    /// <summary>The buffers and steps.</summary>
    public CaptureGraph Graph { get; }

    /// <summary>The output buffer: overwritten by every replay and owned by the plan (do not dispose it).</summary>
    public Tensor Output => output ?? throw new InvalidOperationException($"{Owner}: the plan has not been sealed.");

    /// <summary>The data addresses of every buffer and view; unchanged across replays.</summary>
    public long[] DataAddresses() => Graph.DataAddresses();

    /// <summary>Adds an input slot shaped like <paramref name="example"/>.</summary>
    /// <param name="name">The forward's parameter name.</param>
    /// <param name="example">The example input.</param>
    protected CaptureInput Input(string name, Tensor example)
    {
        if (example.device_type != Graph.Device.type || example.device_index != Graph.Device.index)
        {
            throw new ArgumentException($"{Owner}: input '{name}' is on {example.device}, but the model is on {Graph.Device}.", name);
        }
        return new CaptureInput(Owner, name, Graph.Buffer(example.dtype, example.shape));
    }

    /// <summary>Ends recording: <paramref name="result"/> becomes <see cref="Output"/>, and one warm-up run fills it. A bf16
    /// or fp16 result (a mixed-precision model's) is handed out in fp32, as the generated <c>forward</c> returns it.</summary>
    /// <param name="result">The buffer holding the forward's result.</param>
    protected void Seal(Tensor result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lowPrecision = result.dtype is ScalarType.BFloat16 or ScalarType.Float16;
        output = lowPrecision ? Graph.CastOf(result, ScalarType.Float32) : result;
        Graph.CompareOneThreadOn(output, lowPrecision ? LowPrecisionAgreement : Agreement);
        Graph.Run();
    }

    /// <summary>Runs the recorded steps; call after every input passed its check and was loaded.</summary>
    protected Tensor Run()
    {
        Graph.Run();
        return Output;
    }

    /// <summary>Releases every buffer.</summary>
    public void Dispose()
    {
        Graph.Dispose();
        GC.SuppressFinalize(this);
    }
}
