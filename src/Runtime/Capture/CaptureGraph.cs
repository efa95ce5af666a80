using System;
using System.Collections.Generic;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// The recorded half of a capture plan: every buffer, view and constant the replay touches, allocated once,
/// and the list of in-place steps that rewrite the buffers. Recording allocates; <see cref="Run"/> does not.
/// </summary>
public sealed class CaptureGraph : IDisposable
{
    private readonly List<Tensor> buffers = new();
    private readonly List<Tensor> owned = new();
    private readonly List<Scalar> scalars = new();
    private readonly List<IDisposable> nativeArguments = new();
    private readonly List<Action> recording = new();
    private readonly List<Tensor> freeScratch = new();
    private List<Tensor>? layerScratch;
    private Action[] steps = Array.Empty<Action>();
    private readonly long? budgetBytes = recordingBudget;
    private ReplayThreads threads;
    private Tensor? result;
    private double resultTolerance;
    private bool disposed;

    [ThreadStatic]
    private static long? recordingBudget;

    /// <summary>Creates an empty graph whose buffers live on <paramref name="device"/>.</summary>
    /// <param name="device">Where every buffer is allocated.</param>
    public CaptureGraph(Device device)
    {
        Device = device;
        threads = device.type == DeviceType.CPU ? ReplayThreads.Create() : new ReplayThreads(ReplayThreading.AllThreads);
    }

    /// <summary>
    /// Until disposed, graphs created on this thread refuse (<see cref="NotSupportedException"/>) a buffer that would take
    /// their storage past <paramref name="maxBytes"/>, so that an inference session gives up on an oversized plan at its
    /// first buffer too many rather than after recording and warming it up.
    /// </summary>
    /// <param name="maxBytes">The most bytes of buffers one graph may own.</param>
    internal static IDisposable LimitRecording(long maxBytes)
    {
        var outer = recordingBudget;
        recordingBudget = maxBytes;
        return new BudgetScope(outer);
    }

    private sealed class BudgetScope(long? outer) : IDisposable
    {
        public void Dispose() => recordingBudget = outer;
    }

    /// <summary>Where the buffers live.</summary>
    public Device Device { get; }

    /// <summary>The buffers that own storage: inputs, intermediates and outputs.</summary>
    public IReadOnlyList<Tensor> Buffers => buffers;

    /// <summary>The number of recorded steps.</summary>
    public int StepCount => recording.Count;

    /// <summary>Allocates a zero-filled buffer that the graph owns (outside any dispose scope: the plan frees it); refused
    /// with a <see cref="NotSupportedException"/> past the budget of <see cref="LimitRecording"/>.</summary>
    /// <param name="type">Element type.</param>
    /// <param name="shape">Its static shape.</param>
    public Tensor Buffer(ScalarType type, params long[] shape)
    {
        if (layerScratch is not null && TakeFreeScratch(type, shape) is { } reused)
        {
            layerScratch.Add(reused);
            return reused;
        }
        RequireBudget(type, shape);
        var buffer = zeros(shape, type, Device).DetachFromDisposeScope();
        buffers.Add(buffer);
        layerScratch?.Add(buffer);
        return buffer;
    }

    private void RequireBudget(ScalarType type, long[] shape)
    {
        if (budgetBytes is not { } budget)
        {
            return;
        }
        long elements = 1;
        foreach (var size in shape)
        {
            elements *= size;
        }
        var bytes = BufferBytes() + elements * ElementBytes(type);
        if (bytes > budget)
        {
            throw new NotSupportedException($"The plan's buffers would take {bytes:N0} bytes, more than the {budget:N0} allowed; it is not recorded.");
        }
    }

    private static long ElementBytes(ScalarType type) => type switch
    {
        ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 => 1,
        ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Int16 => 2,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        _ => 8,
    };

    /// <summary>The bytes of storage the buffers own.</summary>
    public long BufferBytes()
    {
        long bytes = 0;
        foreach (var buffer in buffers)
        {
            bytes += buffer.NumberOfElements * buffer.ElementSize;
        }
        return bytes;
    }

    /// <summary>
    /// Opens a layer whose buffers are its own scratch: nothing recorded after the layer reads them. When the
    /// returned scope ends they become free, and a later layer that asks for a buffer of the same type and shape
    /// gets one of them instead of new storage (its steps run after this layer's, so the reuse is safe). A
    /// stack of identical layers then holds one layer's intermediates, not one per layer.
    /// </summary>
    public IDisposable LayerScratch()
    {
        if (layerScratch is not null)
        {
            throw new InvalidOperationException("A layer's scratch scope is already open; layers do not nest.");
        }
        layerScratch = new List<Tensor>();
        return new ScratchScope(this);
    }

    private Tensor? TakeFreeScratch(ScalarType type, long[] shape)
    {
        var index = freeScratch.FindIndex(buffer => buffer.dtype == type && buffer.shape.AsSpan().SequenceEqual(shape));
        if (index < 0)
        {
            return null;
        }
        var buffer = freeScratch[index];
        freeScratch.RemoveAt(index);
        return buffer;
    }

    private sealed class ScratchScope(CaptureGraph graph) : IDisposable
    {
        public void Dispose()
        {
            if (graph.layerScratch is { } used)
            {
                graph.freeScratch.AddRange(used);
                graph.layerScratch = null;
            }
        }
    }

    /// <summary>Takes ownership of a view of a buffer, or of a weight, or of a constant: disposed with the graph.</summary>
    /// <param name="tensor">The tensor to keep alive for the replays.</param>
    public Tensor Keep(Tensor tensor)
    {
        // A plan recorded inside a caller's dispose scope outlives it.
        tensor.DetachFromDisposeScope();
        owned.Add(tensor);
        return tensor;
    }

    /// <summary>A scalar argument created once, so that a step does not convert a number on every replay.</summary>
    /// <param name="value">The value.</param>
    public Scalar Scalar(double value)
    {
        var scalar = value.ToScalar();
        scalars.Add(scalar);
        return scalar;
    }

    /// <summary>A scalar for <see cref="LibTorchOperators"/>, created once.</summary>
    /// <param name="value">The value.</param>
    internal NativeScalar NativeScalar(double value) => Own(new NativeScalar(value));

    /// <summary>Takes ownership of native arguments made once for a step (see <see cref="LibTorchOperators"/>).</summary>
    /// <param name="arguments">Freed with the graph.</param>
    internal T Own<T>(T arguments) where T : IDisposable
    {
        nativeArguments.Add(arguments);
        return arguments;
    }

    /// <summary>Weights are read by reference with gradient tracking off, so a replay records no autograd graph
    /// and still sees in-place weight updates.</summary>
    /// <param name="weight">A parameter.</param>
    public Tensor Weight(Tensor weight) => Keep(weight.detach());

    /// <summary>The graph's own copy of a weight cast to <paramref name="type"/>, made now: a replay does not see later
    /// changes to the weight.</summary>
    internal Tensor Weight(Tensor weight, ScalarType type)
    {
        using var _ = no_grad();
        using var detached = weight.detach();
        return Keep(detached.to(type));
    }

    /// <summary>A buffer of <paramref name="type"/> that a step added here fills with <paramref name="source"/>'s values
    /// on every replay.</summary>
    internal Tensor CastOf(Tensor source, ScalarType type)
    {
        var cast = Buffer(type, source.shape);
        Add(() => cast.copy_(source));
        return cast;
    }

    /// <summary>Appends a step; it must only run in-place operations on tensors recorded here.</summary>
    /// <param name="step">The step.</param>
    public void Add(Action step)
    {
        recording.Add(step);
        steps = recording.ToArray();
    }

    /// <summary>On how many threads the replays run libtorch's operators: chosen by timing the first replays on all
    /// threads and on one, alternately (CPU graphs; see docs/capture.md), unless <c>TORCHWRIGHT_REPLAY_THREADS=all</c>.</summary>
    public ReplayThreading Threading => threads.Threading;

    /// <summary>Sets the choice instead of measuring it (tests).</summary>
    internal void ChooseThreading(ReplayThreading threading) => threads = new ReplayThreads(threading);

    /// <summary>Names the buffer holding the graph's result, which a replay on one thread must reproduce within
    /// <paramref name="tolerance"/> of its largest |value| before one thread is tried further (set by
    /// <see cref="CapturePlan"/>; without it, or for a result other than a contiguous fp32 buffer, the replays stay on
    /// all threads).</summary>
    internal void CompareOneThreadOn(Tensor output, double tolerance)
    {
        if (output.dtype == ScalarType.Float32 && output.is_contiguous())
        {
            (result, resultTolerance) = (output, tolerance);
        }
    }

    /// <summary>Runs every step in order: the replayed region. Runs must be repeatable (the same inputs give the same
    /// buffers), as the plan's warm-up already assumes: the thread trial reruns one of them.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (threads.Threading == ReplayThreading.AllThreads)
        {
            RunSteps();
            return;
        }
        var callerThreads = IntraOpThreads.Current;
        var onOneThread = threads.NextOnOneThread(callerThreads);
        if (onOneThread && threads.NextIsFirstOnOneThread)
        {
            RunAndCompareOneThread(callerThreads);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        if (onOneThread)
        {
            using var limit = IntraOpThreads.LimitTo(1);
            RunSteps();
        }
        else
        {
            RunSteps();
        }
        threads.Record(callerThreads, onOneThread, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    // The trial's first replay on one thread, untimed (it makes oneDNN's one-thread kernels): its result is kept aside
    // and the replay rerun on all threads, whose buffers the caller then reads, and one thread is only tried further if
    // the two agree. oneDNN has been seen to compute some shapes wrong with one kernel and right with another, and
    // this plan's products were checked on the thread count it was recorded with. The comparison reads the buffers'
    // memory directly: a replay creates no tensor, this one included.
    private void RunAndCompareOneThread(int callerThreads)
    {
        if (result is null)
        {
            threads.Disagreed();
            RunSteps();
            return;
        }
        using (IntraOpThreads.LimitTo(1))
        {
            RunSteps();
        }
        var oneThreadResult = ResultValues().ToArray();
        RunSteps();
        if (Agree(oneThreadResult, ResultValues(), resultTolerance))
        {
            threads.Record(callerThreads, onOneThread: true, milliseconds: 0);
        }
        else
        {
            threads.Disagreed();
        }
    }

    private unsafe ReadOnlySpan<float> ResultValues() =>
        new((void*)NativeInPlace.DataAddress(result!), checked((int)result!.NumberOfElements));

    // Whether two results differ by at most tolerance times the largest |value| of the second, NaNs in the same places.
    private static bool Agree(ReadOnlySpan<float> oneThread, ReadOnlySpan<float> allThreads, double tolerance)
    {
        float scale = 0, error = 0;
        for (var i = 0; i < allThreads.Length; i++)
        {
            if (float.IsNaN(oneThread[i]) || float.IsNaN(allThreads[i]))
            {
                if (float.IsNaN(oneThread[i]) != float.IsNaN(allThreads[i]))
                {
                    return false;
                }
                continue;
            }
            scale = Math.Max(scale, Math.Abs(allThreads[i]));
            error = Math.Max(error, Math.Abs(oneThread[i] - allThreads[i]));
        }
        return error <= tolerance * Math.Max(scale, 1e-6f);
    }

    private void RunSteps()
    {
        foreach (var step in steps)
        {
            step();
        }
    }

    /// <summary>The data addresses of every buffer and view, in recording order.</summary>
    public long[] DataAddresses()
    {
        var addresses = new long[buffers.Count + owned.Count];
        for (var i = 0; i < buffers.Count; i++)
        {
            addresses[i] = NativeInPlace.DataAddress(buffers[i]);
        }
        for (var i = 0; i < owned.Count; i++)
        {
            addresses[buffers.Count + i] = NativeInPlace.DataAddress(owned[i]);
        }
        return addresses;
    }

    /// <summary>Releases every buffer, view and constant.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        foreach (var tensor in owned)
        {
            tensor.Dispose();
        }
        foreach (var tensor in buffers)
        {
            tensor.Dispose();
        }
        foreach (var scalar in scalars)
        {
            scalar.Dispose();
        }
        foreach (var arguments in nativeArguments)
        {
            arguments.Dispose();
        }
        nativeArguments.Clear();
        freeScratch.Clear();
        owned.Clear();
        buffers.Clear();
        scalars.Clear();
    }
}
