using System;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Training;
using Xunit;

namespace Torchwright.Runtime.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Tiny_regression_loss_falls_by_more_than_90_percent()
    {
        using var model = Regression.NewModel(seed: 7);
        var result = Trainer.Run(model, step => Regression.Loss(model, step), Regression.Options());

        Assert.Equal(150, result.Losses.Count);
        Assert.True(result.SmoothedFinalLoss < 0.1 * result.FirstLoss,
            $"loss went from {result.FirstLoss} to {result.SmoothedFinalLoss} (smoothed)");
        Assert.Equal(result.Losses[^1], result.LastLoss);
        Assert.Empty(result.WrittenFiles);
    }

    [Fact]
    public void Same_seed_gives_identical_losses_and_a_different_seed_does_not()
    {
        float[] Train(long seed)
        {
            using var model = Regression.NewModel(seed: 3);
            var options = Regression.Options(steps: 40) with { Seed = seed };
            return Trainer.Run(model, step => Regression.Loss(model, step), options).Losses.ToArray();
        }

        var first = Train(11);
        var second = Train(11);
        var other = Train(12);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Training_in_chunks_matches_one_run()
    {
        float[] whole;
        using (var model = Regression.NewModel(seed: 5))
            whole = Trainer.Run(model, step => Regression.Loss(model, step), Regression.Options(steps: 30)).Losses.ToArray();

        using var model2 = Regression.NewModel(seed: 5);
        using var trainer = new Trainer(model2, Regression.Options(steps: 30));
        var part1 = trainer.Run(step => Regression.Loss(model2, step), steps: 12);
        Assert.Equal(12, trainer.CompletedSteps);
        var part2 = trainer.Run(step => Regression.Loss(model2, step));

        Assert.Equal(12, part2.FirstStep);
        Assert.Equal(whole, part1.Losses.Concat(part2.Losses).ToArray());
        Assert.Equal(30, trainer.History.Count);
        Assert.Throws<InvalidOperationException>(() => trainer.Run(step => Regression.Loss(model2, step)));
    }

    [Fact]
    public void Learning_rate_and_step_follow_the_schedule()
    {
        using var model = Regression.NewModel(seed: 1);
        var options = Regression.Options(steps: 20);
        var seen = new double[20];
        var result = Trainer.Run(model, step =>
        {
            seen[step.Step] = step.LearningRate;
            return Regression.Loss(model, step);
        }, options);

        for (int s = 0; s < 20; s++)
        {
            Assert.Equal(s, result.Steps[s].Step);
            Assert.Equal(LearningRateSchedule.WarmupCosine(s, options), result.Steps[s].LearningRate);
            Assert.Equal(result.Steps[s].LearningRate, seen[s]);
        }
        Assert.True(result.Steps.Zip(result.Steps.Skip(1)).All(p => p.Second.ElapsedMilliseconds >= p.First.ElapsedMilliseconds));
    }

    [Fact]
    public void Clipping_reports_the_pre_clip_norm_and_bounds_the_update()
    {
        const double lr = 0.1, eps = 1e-2, clip = 1e-6;

        (double gradNorm, double maxUpdate) OneStep(double? clipNorm)
        {
            using var model = Regression.NewModel(seed: 9);
            var before = Regression.Snapshot(model);
            var options = Regression.Options(steps: 1) with
            {
                WarmupSteps = 0,
                LearningRate = lr,
                Epsilon = eps,
                GradientClipNorm = clipNorm,
            };
            // Large targets give a gradient norm far above the clip threshold.
            var result = Trainer.Run(model, step => Regression.Loss(model, step, scale: 100f), options);
            var after = Regression.Snapshot(model);
            return (result.Steps[0].GradNorm, before.Zip(after).Max(p => Math.Abs(p.First - p.Second)));
        }

        var clipped = OneStep(clip);
        var unclipped = OneStep(null);

        // The reported norm is the one before clipping, identical whether or not clipping is on.
        Assert.True(clipped.gradNorm > 1.0, $"pre-clip norm {clipped.gradNorm}");
        Assert.Equal(unclipped.gradNorm, clipped.gradNorm, 3);

        // First AdamW step: |update| = lr * |g| / (|g| + eps) <= lr * clip / eps once every |g| <= clip.
        Assert.True(clipped.maxUpdate <= lr * clip / eps * 1.01, $"clipped update {clipped.maxUpdate}");
        Assert.True(unclipped.maxUpdate > 0.05, $"unclipped update {unclipped.maxUpdate}");
    }

    [Fact]
    public void A_run_leaks_no_tensors()
    {
        using var model = Regression.NewModel(seed: 2);
        var stats = DisposeScopeManager.Statistics;
        long beforeTrainer = stats.ThreadTotalLiveCount;
        long afterConstruction, afterRun;

        using (var trainer = new Trainer(model, Regression.Options(steps: 30) with { GradientClipNorm = 1.0 }))
        {
            afterConstruction = stats.ThreadTotalLiveCount;
            trainer.Run(step => Regression.Loss(model, step), steps: 15);
            trainer.Run(step =>
            {
                step.Report("extra", 1);
                return Regression.Loss(model, step);
            });
            afterRun = stats.ThreadTotalLiveCount;
        }
        long afterDispose = stats.ThreadTotalLiveCount;

        // The optimiser's state is the only thing allowed to live on: its five flat buffers (values, gradients, both
        // moments, scratch) and a view of each moment per parameter.
        Assert.Equal(5 + 2 * model.parameters().Count(), afterConstruction - beforeTrainer);
        Assert.Equal(afterConstruction, afterRun);
        Assert.Equal(beforeTrainer, afterDispose);
    }

    [Fact]
    public void Non_scalar_loss_is_rejected()
    {
        using var model = Regression.NewModel(seed: 2);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Trainer.Run(model, step => torch.ones(3, requires_grad: true) * 2, Regression.Options(steps: 2) with { WarmupSteps = 0 }));
        Assert.Contains("scalar", ex.Message);
    }
}
