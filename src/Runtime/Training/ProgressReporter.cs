using System;
using System.Diagnostics;
using Spectre.Console;

namespace Torchwright.Runtime.Training;

/// <summary>
/// Shows training progress. <see cref="Execute"/> wraps the training loop (a live display has to own it)
/// and hands the loop a callback to call after every step.
/// </summary>
internal abstract class ProgressReporter
{
    protected ProgressReporter(TrainingOptions options, int firstStep, int stepCount)
    {
        Options = options;
        FirstStep = firstStep;
        StepCount = stepCount;
    }

    protected TrainingOptions Options { get; }

    protected int FirstStep { get; }

    protected int StepCount { get; }

    private readonly Stopwatch _clock = new();

    /// <summary>Runs <paramref name="loop"/>, which calls the given callback after each step.</summary>
    public abstract void Execute(Action<Action<StepRecord>> loop);

    /// <summary>Picks the reporter for the options and console.</summary>
    public static ProgressReporter Create(TrainingOptions options, IAnsiConsole? console, int firstStep, int stepCount)
    {
        if (!options.ShowProgress) return new Silent(options, firstStep, stepCount);
        bool explicitConsole = console is not null;
        console ??= AnsiConsole.Console;
        bool live = options.ProgressStyle switch
        {
            ProgressStyle.Live => true,
            ProgressStyle.Lines => false,
            _ => IsInteractive(console, explicitConsole),
        };
        return live
            ? new LiveProgressReporter(options, console, firstStep, stepCount)
            : new LineProgressReporter(options, console, firstStep, stepCount);
    }

    private static bool IsInteractive(IAnsiConsole console, bool explicitConsole)
    {
        var caps = console.Profile.Capabilities;
        if (!caps.Interactive || !caps.Ansi) return false;
        // The default console can report "interactive" while stdout goes to a file or a CI log.
        return explicitConsole || !(Console.IsOutputRedirected || IsCi());
    }

    private static bool IsCi() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TF_BUILD"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GITHUB_ACTIONS"));

    /// <summary>Starts the throughput/ETA clock; call at the start of <see cref="Execute"/>.</summary>
    protected void StartClock() => _clock.Restart();

    /// <summary>Status text for <paramref name="record"/>, with throughput and ETA from this run's average step time.</summary>
    protected string Describe(StepRecord record)
    {
        int done = record.Step - FirstStep + 1;
        double seconds = _clock.Elapsed.TotalSeconds;
        double? tps = Options.TokensPerStep is { } tokens && seconds > 0 ? tokens * done / seconds : null;
        TimeSpan? eta = done > 0 ? TimeSpan.FromSeconds(seconds / done * (StepCount - done)) : null;
        return ProgressText.Format(Options.RunName, record, Options.Steps, tps, eta);
    }

    /// <summary>Whether <paramref name="record"/> falls on a logging step.</summary>
    protected bool IsLogStep(StepRecord record) => Trainer.IsLogStep(record.Step, FirstStep, StepCount, Options.LogEvery);

    private sealed class Silent(TrainingOptions options, int firstStep, int stepCount)
        : ProgressReporter(options, firstStep, stepCount)
    {
        public override void Execute(Action<Action<StepRecord>> loop) => loop(static _ => { });
    }
}
