using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Checkpoint.Save then Checkpoint.Load restores a module's parameters and buffers exactly.</summary>
public sealed class CheckpointRoundTripTests
{
    [Fact]
    public void Load_restores_every_parameter_and_buffer_bit_for_bit()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        using var source = TestModules.Seeded(1);
        using (torch.no_grad())
        {
            source.get_buffer("steps")!.fill_(42);
        }
        using var target = TestModules.Seeded(2);
        TestModules.AssertEveryParameterDiffers(source, target);

        Checkpoint.Save(source, path, new Dictionary<string, string> { ["epoch"] = "7" });
        var result = Checkpoint.Load(target, path);

        Assert.Equal(TestModules.Snapshot(source), TestModules.Snapshot(target));
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal("7", SafeTensors.ReadHeader(path).Metadata["epoch"]);
    }

    [Fact]
    public void Loaded_parameters_keep_their_identity_and_trainability()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        using var source = TestModules.SeededLinear(1, 3, 2);
        using var target = TestModules.SeededLinear(2, 3, 2);
        TestModules.AssertEveryParameterDiffers(source, target);
        var weightBefore = target.weight!;

        Checkpoint.Save(source, path);
        Checkpoint.Load(target, path);

        // copy_ writes in place: the same parameter object, still requiring grad.
        Assert.Same(weightBefore, target.weight);
        Assert.True(target.weight!.requires_grad);
        Assert.Equal(TestModules.Snapshot(source), TestModules.Snapshot(target));
    }

    [Fact]
    public void MapKey_loads_a_checkpoint_with_different_names()
    {
        using var dir = new TempDir();
        string path = dir.File("renamed.safetensors");
        using var source = TestModules.SeededLinear(1, 3, 2);
        using var target = TestModules.SeededLinear(2, 3, 2);
        TestModules.AssertEveryParameterDiffers(source, target);

        Checkpoint.Save(source, path, mapKey: k => "model.proj." + k);
        Assert.Equal(["model.proj.bias", "model.proj.weight"], SafeTensors.ReadHeader(path).Entries.Select(e => e.Name).Order());
        Checkpoint.Load(target, path, mapKey: k => "model.proj." + k);

        Assert.Equal(TestModules.Snapshot(source), TestModules.Snapshot(target));
    }

    [Fact]
    public void MapKey_that_merges_two_keys_is_refused_on_save()
    {
        using var dir = new TempDir();
        string path = dir.File("merged.safetensors");
        using var module = TestModules.SeededLinear(1, 3, 2);

        var ex = Assert.Throws<System.ArgumentException>(() => Checkpoint.Save(module, path, mapKey: _ => "same"));

        Assert.Contains("'same'", ex.Message);
        Assert.Empty(dir.FileNames());
    }
}
