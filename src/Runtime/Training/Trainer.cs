using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Spectre.Console;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Training;

/// <summary>
/// Trains a module with AdamW (and Muon for the hidden matrices when <see cref="TrainingOptions.Muon"/> is set), a
/// warm-up + cosine learning-rate schedule and global gradient-norm clipping.
/// The trainer owns the optimiser and the step counter, so <see cref="Run(Func{TrainingStep, Tensor}, int?)"/> can be
/// called repeatedly to train in chunks (e.g. with evaluation in between); dispose it to release the optimiser state.
/// For a one-shot run use the static <see cref="Run(nn.Module, Func{TrainingStep, Tensor}, TrainingOptions, IAnsiConsole?)"/>.
/// </summary>
/// <remarks>
/// Each step runs inside its own dispose scope: the loss callback may create temporaries freely and must not
/// keep references to them. Batch sampling should use <see cref="TrainingStep.Generator"/> or
/// <see cref="TrainingStep.Random"/>, which depend only on the seed and the global step index.
/// </remarks>
public sealed class Trainer : IDisposable
{
    private readonly IAnsiConsole? _console;
    private readonly FlatAdamW _optimizer;
    private readonly FlatMuon? _muon;
    private readonly List<StepRecord> _history = new();
    private readonly Stopwatch _trainingClock = new();
    private MetricsLog? _metrics;
    private bool _disposed;

    /// <summary>
    /// Creates a trainer: validates <paramref name="options"/>, seeds torch's global generator with
    /// <see cref="TrainingOptions.Seed"/> and builds an AdamW optimiser over the model's trainable parameters.
    /// </summary>
    /// <param name="model">The module to train (its parameters are updated in place).</param>
    /// <param name="options">Training settings.</param>
    /// <param name="console">Console for progress output; null uses <see cref="AnsiConsole.Console"/>.</param>
    public Trainer(nn.Module model, TrainingOptions options, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        Model = model;
        Options = options;
        _console = console;
        var parameters = model.parameters().Where(p => p.requires_grad).ToArray();
        if (parameters.Length == 0)
            throw new ArgumentException("The model has no trainable parameters.", nameof(model));
        var matrices = options.Muon?.Select(model) ?? Array.Empty<Parameter>();
        if (options.Muon is not null && matrices.Count == 0)
            throw new ArgumentException("Muon is set but selects none of the model's parameters (by default it takes the weights of attention and MLP blocks).", nameof(options));
        var byMuon = matrices.ToHashSet(ReferenceEqualityComparer.Instance);
        var rest = parameters.Where(p => !byMuon.Contains(p)).ToArray();
        if (rest.Length == 0)
            throw new ArgumentException("Muon selects every trainable parameter; AdamW needs at least one (norms, biases, embeddings).", nameof(options));

        torch.manual_seed(options.Seed);
        // One flat buffer for all AdamW parameters: a step is a dozen whole-buffer operations (FlatAdamW); Muon's
        // matrices sit in one buffer per shape (FlatMuon).
        if (options.Muon is { } muon)
            _muon = new FlatMuon(matrices, muon.Momentum, muon.Nesterov, muon.NewtonSchulzSteps, options.WeightDecay, muon.Orthogonalisation);
        try
        {
            _optimizer = new FlatAdamW(rest, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);
        }
        catch
        {
            _muon?.Dispose();
            throw;
        }
        SetLearningRate(LearningRateSchedule.WarmupCosine(0, options));
    }

    /// <summary>The module being trained.</summary>
    public nn.Module Model { get; }

    /// <summary>The settings this trainer was created with.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The AdamW optimiser (owned by the trainer; exposed for saving and restoring its state).</summary>
    public FlatAdamW Optimizer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _optimizer;
        }
    }

    /// <summary>The Muon optimiser of the hidden matrices, or null when <see cref="TrainingOptions.Muon"/> is not set.</summary>
    public FlatMuon? Muon
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _muon;
        }
    }

    /// <summary>Number of steps completed so far; the next step has this global index.</summary>
    public int CompletedSteps { get; private set; }

    /// <summary>Steps left in the schedule.</summary>
    public int RemainingSteps => Options.Steps - CompletedSteps;

    /// <summary>Every step completed by this trainer, across all runs.</summary>
    public IReadOnlyList<StepRecord> History => _history;

    /// <summary>
    /// Trains <paramref name="model"/> for <see cref="TrainingOptions.Steps"/> steps and disposes the optimiser.
    /// </summary>
    /// <param name="model">The module to train.</param>
    /// <param name="lossFor">Computes the scalar loss for a step (forward pass on a batch sampled for that step).</param>
    /// <param name="options">Training settings.</param>
    /// <param name="console">Console for progress output; null uses <see cref="AnsiConsole.Console"/>.</param>
    /// <returns>Losses, timings and files written.</returns>
    public static TrainingResult Run(
        nn.Module model,
        Func<TrainingStep, Tensor> lossFor,
        TrainingOptions options,
        IAnsiConsole? console = null)
    {
        using var trainer = new Trainer(model, options, console);
        return trainer.Run(lossFor);
    }

    /// <summary>
    /// Runs the next <paramref name="steps"/> steps of the schedule (all remaining ones when null).
    /// Per step: compute the loss in a fresh dispose scope, back-propagate, measure and clip the gradient norm,
    /// set the scheduled learning rate, take an AdamW step and zero the gradients.
    /// </summary>
    /// <param name="lossFor">Computes the scalar loss for a step.</param>
    /// <param name="steps">How many steps to run; null runs to the end of the schedule.</param>
    /// <returns>Losses, timings and files written for the steps of this call.</returns>
    public TrainingResult Run(Func<TrainingStep, Tensor> lossFor, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(lossFor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (RemainingSteps == 0) throw new InvalidOperationException("The schedule is complete; no steps remain.");
        int count = steps ?? RemainingSteps;
        if (count <= 0 || count > RemainingSteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"Must be between 1 and the {RemainingSteps} remaining steps.");

        var wall = Stopwatch.StartNew();
        int firstStep = CompletedSteps;
        var records = new List<StepRecord>(count);
        var warnings = new List<string>();

        if (Options.OutputDirectory is { } directory)
            _metrics ??= MetricsLog.InDirectory(directory, append: CompletedSteps > 0);

        Model.train();
        _optimizer.ZeroGrad(); // drop gradients left over from outside the trainer

        var reporter = ProgressReporter.Create(Options, _console, firstStep, count);
        try
        {
            reporter.Execute(report =>
            {
                for (int i = 0; i < count; i++)
                {
                    var record = Step(lossFor, out var extra);
                    records.Add(record);
                    _history.Add(record);
                    if (IsLogStep(record.Step, firstStep, count, Options.LogEvery)) _metrics?.Write(record, extra);
                    report(record);
                }
            });
        }
        finally
        {
            _metrics?.Flush();
        }

        string? plotPath = null;
        if (Options.OutputDirectory is { } outputDirectory)
            plotPath = SavePlot(Path.Combine(outputDirectory, LossPlot.FileName), warnings);

        wall.Stop();
        var result = new TrainingResult(records, wall.Elapsed, _metrics?.Path, plotPath, warnings);
        if (Options.ShowProgress) WriteSummary(result);
        return result;
    }

    /// <summary>
    /// Whether a step is written to the metrics log and printed as a progress line: every
    /// <paramref name="logEvery"/>-th global step, plus the first and last step of a run.
    /// </summary>
    internal static bool IsLogStep(int step, int firstStep, int stepCount, int logEvery) =>
        step % logEvery == 0 || step == firstStep || step == firstStep + stepCount - 1;

    /// <summary>
    /// Saves what resuming needs — model, AdamW moments and step counts, torch's random state and the completed
    /// step — to one safetensors file, atomically: an interrupted save leaves the previous file intact.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    public void SaveState(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        TrainingState.Save(path, Model, _optimizer, _muon, CompletedSteps, Options);
    }

    /// <summary>
    /// Restores a state written by <see cref="SaveState"/> for a run with the same seed and length, so that the next
    /// <see cref="Run(Func{TrainingStep, Tensor}, int?)"/> continues exactly where the saved run stopped. The whole file
    /// is checked first; if anything does not fit, nothing changes.
    /// </summary>
    /// <param name="path">The training state file.</param>
    /// <exception cref="Checkpoints.CheckpointFormatException">The file is not a valid training state or does not fit this model.</exception>
    /// <exception cref="ArgumentException">The state belongs to a run with another seed or length.</exception>
    public void RestoreState(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CompletedSteps = TrainingState.Restore(path, Model, _optimizer, _muon, Options);
    }

    /// <summary>Disposes the optimiser (and its state) and closes the metrics log.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _optimizer.Dispose();
        _muon?.Dispose();
        _metrics?.Dispose();
    }

    private StepRecord Step(Func<TrainingStep, Tensor> lossFor, out IReadOnlyDictionary<string, double>? extra)
    {
        int step = CompletedSteps;
        double lr = LearningRateSchedule.WarmupCosine(step, Options);
        var started = _trainingClock.Elapsed;
        _trainingClock.Start();

        float loss;
        double gradNorm;
        using (var info = new TrainingStep(step, Options.Steps, lr, Options.Seed))
        using (torch.NewDisposeScope())
        {
            var lossTensor = lossFor(info)
                ?? throw new InvalidOperationException($"The loss callback returned null at step {step}.");
            if (lossTensor.numel() != 1)
                throw new InvalidOperationException(
                    $"The loss must be a scalar, but step {step} returned shape [{string.Join(", ", lossTensor.shape)}].");

            lossTensor.backward();
            gradNorm = ClipGradients();

            SetLearningRate(lr);
            _optimizer.Step();
            _muon?.Step();
            _optimizer.ZeroGrad();
            _muon?.ZeroGrad();

            loss = lossTensor.detach().cpu().to_type(ScalarType.Float32).item<float>();
            extra = info.Metrics.Count > 0 ? info.Metrics : null;
        }

        _trainingClock.Stop();
        CompletedSteps++;
        var elapsed = _trainingClock.Elapsed;
        return new StepRecord(step, loss, lr, gradNorm, elapsed.TotalMilliseconds, (elapsed - started).TotalMilliseconds);
    }

    // The global norm over both optimisers' gradients, clipped to GradientClipNorm when set.
    private double ClipGradients()
    {
        var adamNorm = _optimizer.GradientNorm();
        var norm = _muon is null ? adamNorm : Math.Sqrt(adamNorm * adamNorm + _muon.GradientSquareSum());
        if (Options.GradientClipNorm is { } clip && FlatAdamW.ClipScale(norm, clip) is var scale && scale < 1)
        {
            _optimizer.ScaleGradients(scale);
            _muon?.ScaleGradients(scale);
        }
        return norm;
    }

    // Muon's peak rate follows the same schedule as AdamW's.
    private void SetLearningRate(double lr)
    {
        _optimizer.LearningRate = lr;
        if (_muon is not null) _muon.LearningRate = lr * (Options.Muon!.LearningRate / Options.LearningRate);
    }

    private string? SavePlot(string path, List<string> warnings)
    {
        try
        {
            var points = _history.Select(r => (r.Step, (double)r.Loss)).ToArray();
            LossPlot.Save(path, points, $"{Options.RunName}: training loss");
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Training already succeeded; a missing native plotting library must not throw the result away.
            warnings.Add($"Could not write the loss plot '{path}': {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }

    private void WriteSummary(TrainingResult result)
    {
        var console = _console ?? AnsiConsole.Console;
        console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Options.RunName}: {result.Steps.Count} steps in {result.WallTime.TotalSeconds:0.0}s, loss {result.FirstLoss:0.0000} -> {result.LastLoss:0.0000} (smoothed {result.SmoothedFinalLoss:0.0000})"));
        foreach (var warning in result.Warnings) console.WriteLine("warning: " + warning);
    }
}
