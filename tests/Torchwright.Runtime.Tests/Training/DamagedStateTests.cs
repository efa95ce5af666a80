using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Torchwright.Runtime.Training;
using Xunit;

namespace Torchwright.Runtime.Tests.Training;

/// <summary>
/// A training state whose keys and shapes fit but whose values cannot be applied (a damaged random state, a step
/// count of the wrong type, unreadable metadata) is refused by name before anything changes: no half-restored trainer.
/// </summary>
[Collection(nameof(GlobalRandomState))]
public class DamagedStateTests
{
    [Theory]
    [InlineData("rng/torch", "float")]
    [InlineData("rng/torch", "short")]
    [InlineData("optimizer/0/step", "float")]
    public void A_tensor_that_cannot_be_applied_is_refused_and_changes_nothing(string key, string damage)
    {
        using var dir = new TempDirectory();
        var path = SaveState(dir);
        Rewrite(path, tensors =>
        {
            var original = tensors[key];
            tensors[key] = damage == "float" ? original.to(torch.ScalarType.Float32) : original.narrow(0, 0, 10).clone();
            original.Dispose();
        }, metadata => { });

        using var model = Regression.NewDropoutNet(seed: 6);
        var before = Regression.Snapshot(model);
        using var trainer = new Trainer(model, Options());

        var refused = Assert.Throws<CheckpointFormatException>(() => trainer.RestoreState(path));

        Assert.Contains($"'{key}'", refused.Message);
        Assert.Equal(before, Regression.Snapshot(model));
        Assert.Equal(0, trainer.CompletedSteps);
        Assert.Equal(0, trainer.Optimizer.Steps);
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("total_steps")]
    [InlineData("completed_steps")]
    public void Unreadable_metadata_is_refused_by_name(string name)
    {
        using var dir = new TempDirectory();
        var path = SaveState(dir);
        Rewrite(path, tensors => { }, metadata => metadata[name] = "twelve");

        using var model = Regression.NewDropoutNet(seed: 6);
        using var trainer = new Trainer(model, Options());

        var refused = Assert.Throws<CheckpointFormatException>(() => trainer.RestoreState(path));

        Assert.Contains($"'{name}'", refused.Message);
        Assert.Contains("'twelve'", refused.Message);
        Assert.Equal(0, trainer.CompletedSteps);
    }

    private static string SaveState(TempDirectory dir)
    {
        var path = Path.Combine(dir.Path, "state.safetensors");
        using var model = Regression.NewDropoutNet(seed: 5);
        using var trainer = new Trainer(model, Options());
        trainer.Run(step => Regression.DropoutNetLoss(model, step), steps: 3);
        trainer.SaveState(path);
        return path;
    }

    // Loads the file, lets the test damage it, and writes it back under the same name.
    private static void Rewrite(string path, Action<Dictionary<string, torch.Tensor>> damageTensors, Action<Dictionary<string, string>> damageMetadata)
    {
        var metadata = SafeTensors.ReadHeader(path).Metadata.ToDictionary(p => p.Key, p => p.Value);
        var tensors = SafeTensors.Load(path);
        try
        {
            damageTensors(tensors);
            damageMetadata(metadata);
            SafeTensors.Save(path, tensors.Select(p => (p.Key, p.Value)), metadata);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
                tensor.Dispose();
        }
    }

    private static TrainingOptions Options() => Regression.Options(steps: 30);
}
