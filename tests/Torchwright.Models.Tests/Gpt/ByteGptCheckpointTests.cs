using System;
using System.IO;
using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Models.Tests.Capture;
using Torchwright.Runtime.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>A generated model saves to safetensors under its own names and loads back exactly.</summary>
public sealed class ByteGptCheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("torchwright-ckpt-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Round_trip_restores_identical_logits()
    {
        // Every weight, norms included, from private generators: global seeds would race with parallel tests, and at
        // initialisation the norms of two models are equal, so a load that skipped them would go unnoticed.
        using var original = CaptureModels.Create(1);
        using var restored = CaptureModels.Create(2);
        using var ids = CaptureModels.Bytes(3, 2, 16);
        var path = Path.Combine(folder, "gpt.safetensors");
        var before = restored.state_dict();
        foreach (var (name, value) in original.state_dict())
        {
            Assert.False(value.equal(before[name]).all().item<bool>(), $"precondition: {name} is already equal before the load");
        }

        Checkpoint.Save(original, path);
        Checkpoint.Load(restored, path);

        using var _ = no_grad();
        using var expected = original.forward(ids);
        using var actual = restored.forward(ids);
        Assert.True(expected.equal(actual).all().item<bool>(), "restored logits differ from the original");
        Assert.Equal(original.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal), SafeTensors.ReadHeader(path).Entries.Select(e => e.Name).OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void Checkpoint_of_a_different_size_is_refused_without_changing_the_model()
    {
        manual_seed(1);
        using var wide = new ByteGpt(new ByteGptConfig(Context: 16, Dim: 32, Heads: 2, Layers: 1));
        using var narrow = new ByteGpt(new ByteGptConfig(Context: 16, Dim: 16, Heads: 2, Layers: 2));
        var path = Path.Combine(folder, "wide.safetensors");
        Checkpoint.Save(wide, path);
        var before = narrow.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(narrow, path));

        Assert.Contains("embed.weight", error.Message);
        Assert.Contains("blocks.1.attn.qkv.weight", error.Message); // missing: the file has one layer
        foreach (var (name, value) in narrow.state_dict())
        {
            Assert.True(before[name].equal(value).all().item<bool>(), $"{name} changed although the load was refused");
        }
    }
}
