using System;
using System.Globalization;

namespace Torchwright.Runtime.Training;

/// <summary>Formats the one-line status shown by both progress reporters.</summary>
internal static class ProgressText
{
    public static string Format(string runName, StepRecord record, int totalSteps, double? tokensPerSecond, TimeSpan? eta)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c,
            $"{runName} step {record.Step + 1}/{totalSteps}  loss {record.Loss:0.000000}  lr {record.LearningRate:0.00e+00}  grad {record.GradNorm:0.000}  {record.StepMilliseconds:0.0} ms/step");
        if (tokensPerSecond is { } tps) text += string.Create(c, $"  {tps:N0} tok/s");
        if (eta is { } e) text += "  eta " + FormatDuration(e);
        return text;
    }

    public static string FormatDuration(TimeSpan span) =>
        span.TotalHours >= 1
            ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
