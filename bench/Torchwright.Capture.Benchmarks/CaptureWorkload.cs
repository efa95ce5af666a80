using System;
using Torchwright.Models.Gpt;
using static TorchSharp.torch;

namespace Torchwright.Capture.Benchmarks;

/// <summary>How a forward is run: the eager generated <c>forward</c>, or a replay of its capture plan.</summary>
public enum RunMode
{
    Eager,
    Replay,
}

/// <summary>One model at one size with a fixed byte batch, run eagerly or through its capture plan.</summary>
public sealed class CaptureWorkload : IDisposable
{
    private readonly ByteGpt model;
    private readonly Tensor ids;
    private readonly ByteGpt.ForwardPlan plan;
    private readonly IDisposable noGrad;

    public CaptureWorkload(BenchSize size, RunMode mode)
    {
        Size = size;
        Mode = mode;
        manual_seed(5);
        model = new ByteGpt(size.Config);
        model.eval();
        noGrad = no_grad();
        ids = randint(0, 256, new long[] { size.Batch, size.Length }, dtype: ScalarType.Int64, generator: new Generator(7));
        plan = model.Capture(ids);
    }

    public BenchSize Size { get; }

    public RunMode Mode { get; }

    /// <summary>Buffers the plan owns.</summary>
    public int PlanBuffers => plan.Graph.Buffers.Count;

    /// <summary>Steps the plan replays.</summary>
    public int PlanSteps => plan.Graph.StepCount;

    /// <summary>One measured call; the eager result is released before it returns, the replay's belongs to the plan.</summary>
    public void Run()
    {
        if (Mode == RunMode.Replay)
        {
            plan.Replay(ids);
            return;
        }
        using var logits = model.forward(ids);
    }

    /// <summary>The largest difference between the replay and the eager forward.</summary>
    public float LargestDifference()
    {
        using var eager = model.forward(ids);
        using var difference = (eager - plan.Replay(ids)).abs().max();
        return difference.item<float>();
    }

    /// <summary>Tensors (managed wrappers) created per call, counted over <paramref name="calls"/> calls.</summary>
    public double TensorsPerCall(int calls) => TensorsCreated.PerCall(Run, calls);

    public void Dispose()
    {
        plan.Dispose();
        ids.Dispose();
        model.Dispose();
        noGrad.Dispose();
    }
}
