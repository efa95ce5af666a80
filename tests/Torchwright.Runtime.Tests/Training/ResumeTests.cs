using System;
using System.IO;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Torchwright.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Training;

/// <summary>
/// A run stopped, saved and resumed in a fresh trainer and model continues with exactly the losses of the run that
/// never stopped. The model has dropout, so the resumed run also needs torch's random state back.
/// </summary>
[Collection(nameof(GlobalRandomState))]
public class ResumeTests
{
    private const int Steps = 30;
    private const int StopAt = 13;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resumed_run_continues_with_the_same_losses_as_an_uninterrupted_one(bool muon)
    {
        TrainingOptions Options() => ResumeTests.Options() with { Muon = muon ? Regression.MuonOnWeights : null };
        float[] whole;
        using (var model = Regression.NewDropoutNet(seed: 5))
            whole = Trainer.Run(model, step => Regression.DropoutNetLoss(model, step), Options()).Losses.ToArray();

        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.safetensors");
        float[] first;
        using (var model = Regression.NewDropoutNet(seed: 5))
        using (var trainer = new Trainer(model, Options()))
        {
            first = trainer.Run(step => Regression.DropoutNetLoss(model, step), steps: StopAt).Losses.ToArray();
            trainer.SaveState(path);
            // Whatever happens after the save must not leak into the resumed run.
            trainer.Run(step => Regression.DropoutNetLoss(model, step), steps: 5);
            torch.manual_seed(999);
        }

        using var fresh = Regression.NewDropoutNet(seed: 77);
        using var resumed = new Trainer(fresh, Options());
        resumed.RestoreState(path);
        Assert.Equal(StopAt, resumed.CompletedSteps);
        var rest = resumed.Run(step => Regression.DropoutNetLoss(fresh, step)).Losses.ToArray();

        Assert.Equal(whole, first.Concat(rest).ToArray());
    }

    [Fact]
    public void Without_the_optimizer_state_the_losses_differ()
    {
        // Guards the test above: loading only the weights must not be enough to reproduce the run.
        float[] whole;
        using (var model = Regression.NewDropoutNet(seed: 5))
            whole = Trainer.Run(model, step => Regression.DropoutNetLoss(model, step), Options()).Losses.ToArray();

        using var dir = new TempDirectory();
        var weights = Path.Combine(dir.Path, "weights.safetensors");
        using (var model = Regression.NewDropoutNet(seed: 5))
        using (var trainer = new Trainer(model, Options()))
        {
            trainer.Run(step => Regression.DropoutNetLoss(model, step), steps: StopAt);
            Checkpoint.Save(model, weights);
        }

        using var fresh = Regression.NewDropoutNet(seed: 77);
        Checkpoint.Load(fresh, weights);
        using var resumed = new Trainer(fresh, Options() with { Steps = Steps - StopAt });
        var rest = resumed.Run(step => Regression.DropoutNetLoss(fresh, step)).Losses.ToArray();

        Assert.NotEqual(whole.Skip(StopAt).ToArray(), rest);
    }

    [Fact]
    public void A_state_from_another_run_or_model_is_refused_and_changes_nothing()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.safetensors");
        using (var model = Regression.NewDropoutNet(seed: 5))
        using (var trainer = new Trainer(model, Options()))
        {
            trainer.Run(step => Regression.DropoutNetLoss(model, step), steps: 3);
            trainer.SaveState(path);
        }

        using (var model = Regression.NewDropoutNet(seed: 6))
        using (var other = new Trainer(model, Options() with { Seed = 8 }))
        {
            var error = Assert.Throws<ArgumentException>(() => other.RestoreState(path));
            Assert.Contains("seed 42", error.Message);
            Assert.Contains("seed 8", error.Message);
            Assert.Equal(0, other.CompletedSteps);
        }

        using var wider = Regression.NewDropoutNet(seed: 6, hidden: 32);
        var before = Regression.Snapshot(wider);
        using var mismatched = new Trainer(wider, Options());
        var refused = Assert.Throws<CheckpointFormatException>(() => mismatched.RestoreState(path));
        Assert.Contains("model/0.weight", refused.Message);
        Assert.Contains("[32,4]", refused.Message);
        Assert.Equal(before, Regression.Snapshot(wider));
        Assert.Equal(0, mismatched.CompletedSteps);
    }

    private static TrainingOptions Options() => Regression.Options(steps: Steps);
}
