using System;
using System.Collections.Generic;
using TorchSharp;

namespace Torchwright.Runtime.Training;

/// <summary>
/// What the loss callback receives for one step: the step index, the learning rate in use and
/// random sources for batch sampling. The random sources are seeded from <see cref="TrainingOptions.Seed"/>
/// and the step index alone, so step <c>n</c> samples the same batch no matter how the run was split
/// into <see cref="Trainer.Run(Func{TrainingStep, torch.Tensor}, int?)"/> calls (or later resumed).
/// </summary>
public sealed class TrainingStep : IDisposable
{
    private readonly ulong _seed;
    private torch.Generator? _generator;
    private Random? _random;
    private Dictionary<string, double>? _metrics;
    private bool _disposed;

    private static readonly Dictionary<string, double> EmptyMetrics = new();

    internal TrainingStep(int step, int totalSteps, double learningRate, long runSeed)
    {
        Step = step;
        TotalSteps = totalSteps;
        LearningRate = learningRate;
        _seed = StepSeed.For(runSeed, step);
    }

    /// <summary>0-based global step index.</summary>
    public int Step { get; }

    /// <summary>Number of steps in the schedule (<see cref="TrainingOptions.Steps"/>).</summary>
    public int TotalSteps { get; }

    /// <summary>Learning rate applied in this step's optimiser update.</summary>
    public double LearningRate { get; }

    /// <summary>
    /// A torch CPU generator seeded for this step; pass it to <c>torch.randint</c>, <c>torch.randn</c> and the like.
    /// Created on first use and disposed by the trainer when the step ends.
    /// </summary>
    public torch.Generator Generator
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _generator ??= new torch.Generator(_seed);
        }
    }

    /// <summary>A <see cref="System.Random"/> seeded for this step, for sampling done in managed code.</summary>
    public Random Random => _random ??= new Random(unchecked((int)(_seed ^ (_seed >> 32))));

    /// <summary>Extra named values reported for this step (written to the metrics log when the step is logged).</summary>
    public IReadOnlyDictionary<string, double> Metrics =>
        _metrics ?? (IReadOnlyDictionary<string, double>)EmptyMetrics;

    /// <summary>
    /// Records an extra named value for this step, e.g. accuracy. The names <c>step</c>, <c>loss</c>, <c>lr</c>,
    /// <c>grad_norm</c> and <c>elapsed_ms</c> are reserved.
    /// </summary>
    /// <param name="name">Metric name, used as the JSON property name.</param>
    /// <param name="value">Metric value.</param>
    public void Report(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (MetricsLog.IsReserved(name))
            throw new ArgumentException($"'{name}' is a reserved metric name.", nameof(name));
        (_metrics ??= new Dictionary<string, double>(StringComparer.Ordinal))[name] = value;
    }

    /// <summary>Releases the step's torch generator.</summary>
    public void Dispose()
    {
        _disposed = true;
        _generator?.Dispose();
        _generator = null;
    }
}
