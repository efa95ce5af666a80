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
/// With <see cref="TrainingOptions.Muon"/> the trainer splits the parameters between Muon and AdamW, clips by the
/// norm over both, and saves and restores both optimisers' state.
/// </summary>
[Collection(nameof(GlobalRandomState))]
public class TrainerMuonTests
{
    private const int Steps = 30;
    private const int StopAt = 11;

    [Fact]
    public void Muon_takes_the_selected_matrices_and_AdamW_the_rest_and_the_loss_falls()
    {
        using var model = NewModel(seed: 5);
        using var trainer = new Trainer(model, Options());
        Assert.NotNull(trainer.Muon);
        // 0.weight [16,4] and 3.weight [1,16] are two shapes; the biases stay with AdamW.
        Assert.Equal(2, trainer.Muon!.Momenta.Count);
        Assert.Equal(2, trainer.Optimizer.Moments.Count);
        var losses = trainer.Run(step => Loss(model, step)).Losses;
        Assert.True(losses.Skip(Steps - 5).Average() < 0.5 * losses.Take(5).Average(),
            $"loss {losses.Take(5).Average():F3} -> {losses.Skip(Steps - 5).Average():F3}");
    }

    [Fact]
    public void The_gradient_norm_spans_both_optimisers()
    {
        // The first step's gradients depend only on the weights and the step's batch, so an AdamW-only trainer,
        // whose norm is over every parameter, must report the same norm.
        double NormOfFirstStep(MuonOptions? muon)
        {
            using var model = NewModel(seed: 5);
            using var trainer = new Trainer(model, Options() with { Muon = muon });
            return trainer.Run(step => Loss(model, step), steps: 1).Steps.Single().GradNorm;
        }
        Assert.Equal(NormOfFirstStep(null), NormOfFirstStep(Options().Muon), 5);
    }

    [Fact]
    public void A_resumed_Muon_run_continues_with_the_same_losses()
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
            trainer.Run(step => Loss(model, step), steps: 4);
        }

        using var fresh = NewModel(seed: 77);
        using var resumed = new Trainer(fresh, Options());
        resumed.RestoreState(path);
        var rest = resumed.Run(step => Loss(fresh, step)).Losses.ToArray();

        Assert.Equal(whole, first.Concat(rest).ToArray());
    }

    [Fact]
    public void A_state_without_Muon_momenta_is_refused_and_changes_nothing()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.safetensors");
        using (var model = NewModel(seed: 5))
        using (var adamOnly = new Trainer(model, Options() with { Muon = null }))
        {
            adamOnly.Run(step => Loss(model, step), steps: 3);
            adamOnly.SaveState(path);
        }

        using var other = NewModel(seed: 6);
        var before = Regression.Snapshot(other);
        using var trainer = new Trainer(other, Options());
        var refused = Assert.Throws<CheckpointFormatException>(() => trainer.RestoreState(path));
        Assert.Contains("missing 'optimizer/muon/0/momentum'", refused.Message);
        Assert.Equal(before, Regression.Snapshot(other));
        Assert.Equal(0, trainer.CompletedSteps);
    }

    [Fact]
    public void A_selection_of_nothing_or_of_a_vector_is_refused()
    {
        using var model = NewModel(seed: 5);
        // The default selection takes attention and MLP blocks; this model has none.
        var none = Assert.Throws<ArgumentException>(() => new Trainer(model, Options() with { Muon = new MuonOptions() }));
        Assert.Contains("selects none", none.Message);
        var vector = Assert.Throws<ArgumentException>(() => new Trainer(model, Options() with { Muon = new MuonOptions { Selects = (name, _) => name == "0.bias" } }));
        Assert.Contains("'0.bias'", vector.Message);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => (Options() with { Muon = new MuonOptions { LearningRate = 0 } }).Validate()).ParamName);
    }

    private static TrainingOptions Options() => Regression.Options(steps: Steps) with
    {
        GradientClipNorm = 5,
        Muon = new MuonOptions { LearningRate = 0.1, Selects = (name, _) => name.EndsWith(".weight", StringComparison.Ordinal) },
    };

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
