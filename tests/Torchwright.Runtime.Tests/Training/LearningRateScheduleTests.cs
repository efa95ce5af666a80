using System;
using Torchwright.Runtime.Training;
using Xunit;

namespace Torchwright.Runtime.Tests.Training;

public class LearningRateScheduleTests
{
    private static readonly TrainingOptions Options = new()
    {
        Steps = 110,
        LearningRate = 1e-3,
        WarmupSteps = 10,
        MinLearningRateRatio = 0.1,
    };

    [Theory]
    [InlineData(0, 1e-4)]          // lr / warmup
    [InlineData(4, 5e-4)]          // lr * 5 / 10
    [InlineData(9, 1e-3)]          // end of warm-up: peak
    [InlineData(59, 5.5e-4)]       // half-way through the decay: (peak + floor) / 2
    [InlineData(109, 1e-4)]        // last step: floor
    [InlineData(500, 1e-4)]        // past the schedule: stays at the floor
    public void WarmupCosine_gives_exact_values(int step, double expected)
    {
        Assert.Equal(expected, LearningRateSchedule.WarmupCosine(step, Options), 15);
    }

    [Fact]
    public void WarmupCosine_quarter_of_the_decay_follows_the_cosine()
    {
        // progress 25/100: floor + (peak - floor) * (1 + cos(pi/4)) / 2
        double expected = 1e-4 + 9e-4 * 0.5 * (1 + Math.Sqrt(0.5));
        Assert.Equal(expected, LearningRateSchedule.WarmupCosine(34, Options), 15);
    }

    [Fact]
    public void WarmupCosine_without_warmup_starts_at_the_peak_and_decreases()
    {
        var options = new TrainingOptions { Steps = 11, LearningRate = 0.5, WarmupSteps = 0, MinLearningRateRatio = 0 };
        Assert.Equal(0.5, LearningRateSchedule.WarmupCosine(0, options), 15);
        Assert.Equal(0.25, LearningRateSchedule.WarmupCosine(5, options), 15);
        Assert.Equal(0.0, LearningRateSchedule.WarmupCosine(10, options), 15);
        for (int s = 1; s < 11; s++)
            Assert.True(LearningRateSchedule.WarmupCosine(s, options) < LearningRateSchedule.WarmupCosine(s - 1, options));
    }

    [Fact]
    public void WarmupCosine_rejects_negative_steps()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.WarmupCosine(-1, Options));
    }

    [Fact]
    public void Options_validation_rejects_out_of_range_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Steps = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Steps = 5, WarmupSteps = 6 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { GradientClipNorm = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { LogEvery = 0 }.Validate());
        new TrainingOptions().Validate();
    }
}
