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
/// norm over both, and refuses a state without Muon's momenta (resuming with Muon: <see cref="ResumeTests"/>).
/// </summary>
[Collection(nameof(GlobalRandomState))]
public class TrainerMuonTests
{
    private const int Steps = 30;

    [Fact]
    public void Muon_takes_the_selected_matrices_and_AdamW_the_rest_and_the_loss_falls()
    {
        using var model = Regression.NewDropoutNet(seed: 5);
        using var trainer = new Trainer(model, Options());
        Assert.NotNull(trainer.Muon);
        // 0.weight [16,4] and 3.weight [1,16] are two shapes; the biases stay with AdamW.
        Assert.Equal(2, trainer.Muon!.Momenta.Count);
        Assert.Equal(2, trainer.Optimizer.Moments.Count);
        var losses = trainer.Run(step => Regression.DropoutNetLoss(model, step)).Losses;
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
            using var model = Regression.NewDropoutNet(seed: 5);
            using var trainer = new Trainer(model, Options() with { Muon = muon });
            return trainer.Run(step => Regression.DropoutNetLoss(model, step), steps: 1).Steps.Single().GradNorm;
        }
        Assert.Equal(NormOfFirstStep(null), NormOfFirstStep(Options().Muon), 5);
    }

    [Fact]
    public void A_state_without_Muon_momenta_is_refused_and_changes_nothing()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.safetensors");
        using (var model = Regression.NewDropoutNet(seed: 5))
        using (var adamOnly = new Trainer(model, Options() with { Muon = null }))
        {
            adamOnly.Run(step => Regression.DropoutNetLoss(model, step), steps: 3);
            adamOnly.SaveState(path);
        }

        using var other = Regression.NewDropoutNet(seed: 6);
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
        using var model = Regression.NewDropoutNet(seed: 5);
        // The default selection takes attention and MLP blocks; this model has none.
        var none = Assert.Throws<ArgumentException>(() => new Trainer(model, Options() with { Muon = new MuonOptions() }));
        Assert.Contains("selects none", none.Message);
        var vector = Assert.Throws<ArgumentException>(() => new Trainer(model, Options() with { Muon = new MuonOptions { Selects = (name, _) => name == "0.bias" } }));
        Assert.Contains("'0.bias'", vector.Message);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => (Options() with { Muon = new MuonOptions { LearningRate = 0 } }).Validate()).ParamName);
        Assert.Equal("Orthogonalisation", Assert.Throws<ArgumentOutOfRangeException>(() => (Options() with { Muon = new MuonOptions { Orthogonalisation = (Precision)7 } }).Validate()).ParamName);
    }

    private static TrainingOptions Options() => Regression.Options(steps: Steps) with { GradientClipNorm = 5, Muon = Regression.MuonOnWeights };
}
