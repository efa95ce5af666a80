using System;

namespace Torchwright.Runtime.Training;

/// <summary>Learning-rate schedules as pure functions of the step index.</summary>
public static class LearningRateSchedule
{
    /// <summary>
    /// Linear warm-up followed by cosine decay. Steps are 0-based. During warm-up
    /// (<c>step &lt; WarmupSteps</c>) the rate is <c>lr * (step + 1) / WarmupSteps</c>, so step 0 gets
    /// <c>lr / WarmupSteps</c> and the last warm-up step gets exactly <c>lr</c>. From there the rate follows
    /// half a cosine down to <c>lr * MinLearningRateRatio</c>, reached exactly at step <c>Steps - 1</c>.
    /// Steps beyond the schedule stay at the floor.
    /// </summary>
    /// <param name="step">0-based step index.</param>
    /// <param name="options">Supplies <see cref="TrainingOptions.LearningRate"/>, <see cref="TrainingOptions.WarmupSteps"/>,
    /// <see cref="TrainingOptions.Steps"/> and <see cref="TrainingOptions.MinLearningRateRatio"/>.</param>
    /// <returns>The learning rate for <paramref name="step"/>.</returns>
    public static double WarmupCosine(int step, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(step);

        double peak = options.LearningRate;
        double floor = peak * options.MinLearningRateRatio;
        int warmup = options.WarmupSteps;

        if (step < warmup) return peak * (step + 1) / warmup;

        // The peak is at the last warm-up step (or step 0 without warm-up); decay runs from there to the last step.
        int peakStep = Math.Max(warmup, 1) - 1;
        int lastStep = options.Steps - 1;
        if (lastStep <= peakStep) return step <= peakStep ? peak : floor;
        if (step >= lastStep) return floor;

        double progress = (double)(step - peakStep) / (lastStep - peakStep);
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
