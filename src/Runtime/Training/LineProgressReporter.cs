using System;
using Spectre.Console;

namespace Torchwright.Runtime.Training;

/// <summary>Plain progress: one text line per logged step, suitable for redirected output and CI logs.</summary>
internal sealed class LineProgressReporter(TrainingOptions options, IAnsiConsole console, int firstStep, int stepCount)
    : ProgressReporter(options, firstStep, stepCount)
{
    public override void Execute(Action<Action<StepRecord>> loop)
    {
        StartClock();
        loop(record =>
        {
            if (IsLogStep(record)) console.WriteLine(Describe(record));
        });
    }
}
