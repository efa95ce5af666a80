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

    [Fact]
    public void Resumed_run_continues_with_the_same_losses_as_an_uninterrupted_one()
    {
        float[] whole;
        using (var model = NewModel(seed: 5))
            whole = Trainer.Run(model, step => Loss(model, step), Options()).Losses.ToArray();

        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.safetensors");
        float[] first;
        using (var model = NewModel(seed: 5))
        using (var trainer = new Trainer(model, Options()))
        {
            first = trainer.Run(step => Loss(model, step), steps: StopAt).Losses.ToArray();
            trainer.SaveState(path);
            // Whatever happens after the save must not leak into the resumed run.
            trainer.Run(step => Loss(model, step), steps: 5);
            torch.manual_seed(999);
        }

        using var fresh = NewModel(seed: 77);
        using var resumed = new Trainer(fresh, Options());
        resumed.RestoreState(path);
        Assert.Equal(StopAt, resumed.CompletedSteps);
        var rest = resumed.Run(step => Loss(fresh, step)).Losses.ToArray();

        Assert.Equal(whole, first.Concat(rest).ToArray());
    }

    [Fact]
    public void Without_the_optimizer_state_the_losses_differ()
    {
        // Guards the test above: loading only the weights must not be enough to reproduce the run.
        float[] whole;
        using (var model = NewModel(seed: 5))
            whole = Trainer.Run(model, step => Loss(model, step), Options()).Losses.ToArray();

        using var dir = new TempDirectory();
        var weights = Path.Combine(dir.Path, "weights.safetensors");
        using (var model = NewModel(seed: 5))
        using (var trainer = new Trainer(model, Options()))
        {
            trainer.Run(step => Loss(model, step), steps: StopAt);
            Checkpoint.Save(model, weights);
        }

        using var fresh = NewModel(seed: 77);
        Checkpoint.Load(fresh, weights);
        using var resumed = new Trainer(fresh, Options() with { Steps = Steps - StopAt });
        var rest = resumed.Run(step => Loss(fresh, step)).Losses.ToArray();

        Assert.NotEqual(whole.Skip(StopAt).ToArray(), rest);
    }

    [Fact]
    public void A_state_from_another_run_or_model_is_refused_and_changes_nothing()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.safetensors");
        using (var model = NewModel(seed: 5))
        using (var trainer = new Trainer(model, Options()))
        {
            trainer.Run(step => Loss(model, step), steps: 3);
            trainer.SaveState(path);
        }

        using (var model = NewModel(seed: 6))
        using (var other = new Trainer(model, Options() with { Seed = 8 }))
        {
            var error = Assert.Throws<ArgumentException>(() => other.RestoreState(path));
            Assert.Contains("seed 42", error.Message);
            Assert.Contains("seed 8", error.Message);
            Assert.Equal(0, other.CompletedSteps);
        }

        using var wider = nn.Sequential(("0", nn.Linear(4, 32)), ("1", nn.Dropout(0.2)), ("2", nn.ReLU()), ("3", nn.Linear(32, 1)));
        var before = Regression.Snapshot(wider);
        using var mismatched = new Trainer(wider, Options());
        var refused = Assert.Throws<CheckpointFormatException>(() => mismatched.RestoreState(path));
        Assert.Contains("model/0.weight", refused.Message);
        Assert.Contains("[32,4]", refused.Message);
        Assert.Equal(before, Regression.Snapshot(wider));
        Assert.Equal(0, mismatched.CompletedSteps);
    }

    private static TrainingOptions Options() => Regression.Options(steps: Steps);

    private static nn.Module NewModel(long seed)
    {
        var model = nn.Sequential(("0", nn.Linear(4, 16)), ("1", nn.Dropout(0.2)), ("2", nn.ReLU()), ("3", nn.Linear(16, 1)));
        using var generator = new torch.Generator((ulong)seed);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
                p.copy_(torch.rand(p.shape, generator: generator) - 0.5);
        }
        return model;
    }

    private static Tensor Loss(nn.Module model, TrainingStep step)
    {
        var x = torch.randn(new long[] { 32, 4 }, generator: step.Generator);
        var y = x.matmul(torch.tensor(Regression.TrueWeights).reshape(4, 1)) + Regression.TrueBias;
        return nn.functional.mse_loss(((nn.Module<Tensor, Tensor>)model).forward(x), y);
    }
}
