using System;
using Spectre.Console;

namespace Torchwright.Runtime.Training;

/// <summary>Live Spectre.Console progress bar with step, loss, learning rate, throughput and ETA.</summary>
internal sealed class LiveProgressReporter(TrainingOptions options, IAnsiConsole console, int firstStep, int stepCount)
    : ProgressReporter(options, firstStep, stepCount)
{
    public override void Execute(Action<Action<StepRecord>> loop)
    {
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(Options.RunName), maxValue: StepCount);
                StartClock();
                loop(record =>
                {
                    task.Value = record.Step - FirstStep + 1;
                    task.Description = Markup.Escape(Describe(record));
                });
                task.StopTask();
            });
    }
}
