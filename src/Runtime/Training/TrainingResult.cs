using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Runtime.Training;

/// <summary>Summary of one <see cref="Trainer"/> run.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(
        IReadOnlyList<StepRecord> steps,
        TimeSpan wallTime,
        string? metricsPath,
        string? plotPath,
        IReadOnlyList<string> warnings)
    {
        if (steps.Count == 0) throw new ArgumentException("A training result needs at least one step.", nameof(steps));
        Steps = steps;
        Losses = steps.Select(s => s.Loss).ToArray();
        WallTime = wallTime;
        MetricsPath = metricsPath;
        PlotPath = plotPath;
        WrittenFiles = new[] { metricsPath, plotPath }.OfType<string>().ToArray();
        Warnings = warnings;
    }

    /// <summary>Per-step records of this run, in order.</summary>
    public IReadOnlyList<StepRecord> Steps { get; }

    /// <summary>Loss of every step of this run, in order.</summary>
    public IReadOnlyList<float> Losses { get; }

    /// <summary>Global index of the first step of this run.</summary>
    public int FirstStep => Steps[0].Step;

    /// <summary>Loss of the first step.</summary>
    public float FirstLoss => Losses[0];

    /// <summary>Loss of the last step.</summary>
    public float LastLoss => Losses[^1];

    /// <summary>
    /// Mean loss over the last 10% of the steps (at least one step), ignoring non-finite values;
    /// a less noisy "final loss" than <see cref="LastLoss"/>. NaN if none of those losses is finite.
    /// </summary>
    public double SmoothedFinalLoss
    {
        get
        {
            int tail = Math.Max(1, (int)Math.Ceiling(Losses.Count * 0.1));
            var finite = Losses.Skip(Losses.Count - tail).Where(float.IsFinite).ToArray();
            return finite.Length == 0 ? double.NaN : finite.Average(l => (double)l);
        }
    }

    /// <summary>Wall-clock time of the run, including progress reporting and file output.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>Full path of the metrics JSON Lines file, or null when no output directory was set.</summary>
    public string? MetricsPath { get; }

    /// <summary>Full path of the loss plot, or null when none was written.</summary>
    public string? PlotPath { get; }

    /// <summary>Every file written (or appended to) by the run.</summary>
    public IReadOnlyList<string> WrittenFiles { get; }

    /// <summary>Non-fatal problems, e.g. a loss plot that could not be rendered.</summary>
    public IReadOnlyList<string> Warnings { get; }
}
