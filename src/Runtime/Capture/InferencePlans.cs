using System;
using System.Collections.Generic;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// The capture plans a model's <c>forward</c> replays inside an inference session (the generated
/// <c>InferenceSession()</c>): one per input shape, recorded on the second call at that shape and replayed from then
/// on, so repeated inference creates no intermediate tensors, and a run of ever new shapes (generation without a
/// cache, say) stays eager instead of recording plans it never replays. Only plain inference replays: gradients off,
/// the model in eval mode, fp32 or bf16 mixed precision, the fused path. Any other call, a shape whose plan would
/// exceed <see cref="MaxPlanBytes"/> and a model the recorders refuse run the eager forward. A replay returns a copy
/// of the plan's output, so results stay the caller's. fp32 plans read the weights by reference: in-place updates are
/// seen, a moved or reloaded model is not, which is why the session must not outlive its weights. bf16 plans read
/// the bf16 copies they made when recorded and, like the weight-cast cache of the eager mixed forward, are dropped
/// by any call that records gradients or runs in training mode (a training step), so the next inference records them
/// afresh; weights changed otherwise (loaded, edited without gradients) are not seen. A plan is made for one
/// precision; a call under another records its own. Replays of one model are serialised.
/// </summary>
/// <typeparam name="TPlan">The model's generated plan type.</typeparam>
public sealed class InferencePlans<TPlan> where TPlan : CapturePlan
{
    private const int RememberedShapes = 16;

    private readonly Func<Tensor, TPlan> capture;
    private readonly Func<TPlan, Tensor, Tensor> replay;
    private readonly List<Entry> entries = new(); // least recently used first
    private readonly List<ShapeKey> seenOnce = new(); // shapes met once, oldest first
    private readonly object gate = new();
    private int openSessions;

    /// <summary>Plans for one model.</summary>
    /// <param name="capture">Records a plan for an example input (the generated <c>Capture</c>).</param>
    /// <param name="replay">Replays a plan on an input (the generated plan's <c>Replay</c>).</param>
    public InferencePlans(Func<Tensor, TPlan> capture, Func<TPlan, Tensor, Tensor> replay)
    {
        this.capture = capture ?? throw new ArgumentNullException(nameof(capture));
        this.replay = replay ?? throw new ArgumentNullException(nameof(replay));
    }

    /// <summary>How many input shapes keep a plan; the least recently used is freed beyond it.</summary>
    public int MaxPlans { get; set; } = 4;

    /// <summary>The largest plan kept, in bytes of buffers; a shape whose plan is larger runs eagerly.</summary>
    public long MaxPlanBytes { get; set; } = 128L << 20;

    /// <summary>Whether a session is open.</summary>
    public bool IsOpen => Volatile.Read(ref openSessions) > 0;

    /// <summary>The shapes that currently replay a plan.</summary>
    public int PlanCount
    {
        get
        {
            lock (gate)
            {
                return entries.FindAll(entry => entry.Plan is not null).Count;
            }
        }
    }

    /// <summary>On how many threads each held plan replays (<see cref="CaptureGraph.Threading"/>), least recently used
    /// first: a plan still in its thread trial reads <see cref="ReplayThreading.Measuring"/>.</summary>
    public IReadOnlyList<ReplayThreading> PlanThreading
    {
        get
        {
            lock (gate)
            {
                return entries.FindAll(entry => entry.Plan is not null).ConvertAll(entry => entry.Plan!.Graph.Threading);
            }
        }
    }

    /// <summary>The shapes that run eagerly because their plan was too large or refused.</summary>
    public int EagerShapeCount
    {
        get
        {
            lock (gate)
            {
                return entries.FindAll(entry => entry.Plan is null).Count;
            }
        }
    }

    /// <summary>Opens a session; the plans are freed when the last open session ends.</summary>
    public IDisposable Open()
    {
        Interlocked.Increment(ref openSessions);
        return new Session(this);
    }

    /// <summary>
    /// Replays the plan for <paramref name="input"/>'s shape, recording it first on the shape's second call, and returns
    /// a copy of the output; null when this call must run eagerly (no session, gradients on, training mode, a precision
    /// other than fp32 and bf16 mixed, the reference path, the shape's first call, a plan over budget or refused by a
    /// recorder).
    /// </summary>
    /// <param name="model">The model whose forward this is.</param>
    /// <param name="input">The forward's input, already checked by its guards.</param>
    public Tensor? TryReplay(ITorchwrightModule model, Tensor input)
    {
        if (!IsOpen)
        {
            return null;
        }
        if (is_grad_enabled() || ((nn.Module)model).training)
        {
            DropWeightCopies();
            return null;
        }
        if (model.Precision is not (Torchwright.Precision.Float32 or Torchwright.Precision.BFloat16Mixed) || model.Path != ForwardPath.Fused)
        {
            return null;
        }
        lock (gate)
        {
            var key = new ShapeKey(input, model.Precision);
            var entry = Find(key);
            if (entry is null && FirstSight(key))
            {
                return null;
            }
            var plan = (entry ?? Record(key, input)).Plan;
            return plan is null ? null : replay(plan, input).clone();
        }
    }

    // True the first time a shape comes (it is remembered, among the last few); false the second time.
    private bool FirstSight(ShapeKey key)
    {
        var index = seenOnce.FindIndex(seen => seen.Equals(key));
        if (index >= 0)
        {
            seenOnce.RemoveAt(index);
            return false;
        }
        seenOnce.Add(key);
        if (seenOnce.Count > RememberedShapes)
        {
            seenOnce.RemoveAt(0);
        }
        return true;
    }

    // Frees the plans that hold cast copies of the weights (all but fp32's), whose weights may be about to change.
    private void DropWeightCopies()
    {
        lock (gate)
        {
            if (entries.Count == 0)
            {
                return;
            }
            foreach (var entry in entries.FindAll(entry => !entry.Key.ReadsWeightsInPlace))
            {
                entry.Plan?.Dispose();
                entries.Remove(entry);
            }
        }
    }

    private Entry? Find(ShapeKey key)
    {
        var index = entries.FindIndex(entry => entry.Key.Equals(key));
        if (index < 0)
        {
            return null;
        }
        var found = entries[index];
        entries.RemoveAt(index);
        entries.Add(found);
        return found;
    }

    // Records a plan for a new shape; a refused or oversized plan is remembered as eager (a null plan) so that it
    // is not recorded again on every call. A recorder refuses what it cannot reproduce (NotSupportedException) or a
    // layer it cannot take in this configuration (ArgumentException), and the graph refuses a buffer past the budget
    // (NotSupportedException, before the plan allocates the rest); the eager forward then runs, and raises its own
    // error if the input is at fault.
    private Entry Record(ShapeKey key, Tensor input)
    {
        TPlan? plan;
        try
        {
            using var budget = CaptureGraph.LimitRecording(MaxPlanBytes);
            plan = capture(input);
        }
        catch (Exception refused) when (refused is NotSupportedException or ArgumentException)
        {
            plan = null;
        }
        if (plan is not null && plan.Graph.BufferBytes() > MaxPlanBytes)
        {
            plan.Dispose();
            plan = null;
        }
        var entry = new Entry(key, plan);
        entries.Add(entry);
        while (entries.Count > Math.Max(1, MaxPlans))
        {
            entries[0].Plan?.Dispose();
            entries.RemoveAt(0);
        }
        return entry;
    }

    private void Close()
    {
        if (Interlocked.Decrement(ref openSessions) > 0)
        {
            return;
        }
        lock (gate)
        {
            foreach (var entry in entries)
            {
                entry.Plan?.Dispose();
            }
            entries.Clear();
            seenOnce.Clear();
        }
    }

    private sealed record Entry(ShapeKey Key, TPlan? Plan);

    // What a plan is made for: the input's shape, dtype and device, and the model's precision.
    private readonly struct ShapeKey(Tensor input, Precision modelPrecision) : IEquatable<ShapeKey>
    {
        private readonly long[] shape = input.shape;
        private readonly Precision precision = modelPrecision;
        private readonly ScalarType type = input.dtype;
        private readonly DeviceType deviceType = input.device_type;
        private readonly int deviceIndex = input.device_index;

        // fp32 plans read the weights themselves; others read copies cast when they were recorded.
        public bool ReadsWeightsInPlace => precision == Precision.Float32;

        public bool Equals(ShapeKey other)
            => type == other.type && precision == other.precision && deviceType == other.deviceType && deviceIndex == other.deviceIndex
               && shape.AsSpan().SequenceEqual(other.shape);

        public override bool Equals(object? obj) => obj is ShapeKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(type, precision, deviceType, deviceIndex, shape.Length);
    }

    private sealed class Session(InferencePlans<TPlan> plans) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                plans.Close();
            }
        }
    }
}
