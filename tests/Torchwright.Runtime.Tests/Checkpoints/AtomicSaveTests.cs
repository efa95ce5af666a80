using System;
using System.IO;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Saving replaces a checkpoint only when the whole write succeeded, and never leaves temporary files.</summary>
public sealed class AtomicSaveTests
{
    [Fact]
    public void Successful_save_leaves_only_the_target_file()
    {
        using var dir = new TempDir();
        using var t = torch.ones(4);

        SafeTensors.Save(dir.File("model.safetensors"), [("t", t)]);

        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Successful_save_replaces_an_existing_checkpoint()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        using var oldT = torch.zeros(4);
        using var newT = torch.ones(4);
        SafeTensors.Save(path, [("t", oldT)]);

        SafeTensors.Save(path, [("t", newT)]);

        using var back = SafeTensors.Load(path)["t"];
        Assert.Equal(new float[] { 1, 1, 1, 1 }, back.data<float>().ToArray());
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Failure_while_writing_data_keeps_the_old_checkpoint_and_removes_the_temp_file()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        using var oldT = torch.zeros(4);
        SafeTensors.Save(path, [("t", oldT)]);
        byte[] oldBytes = File.ReadAllBytes(path);

        // A meta tensor has a shape and dtype (so the header is planned and written, and "a" is written
        // before it), but no data: copying it to the CPU throws part-way through the file.
        using var good = torch.ones(1000);
        using var noData = torch.empty([4], device: torch.META);
        var ex = Record.Exception(() => SafeTensors.Save(path, [("a", good), ("z", noData)]));

        Assert.NotNull(ex);
        Assert.IsNotType<ArgumentException>(ex);
        Assert.Equal(oldBytes, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Failure_from_a_disposed_tensor_keeps_the_old_checkpoint()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        using var oldT = torch.zeros(4);
        SafeTensors.Save(path, [("t", oldT)]);
        byte[] oldBytes = File.ReadAllBytes(path);
        var disposed = torch.ones(4);
        disposed.Dispose();

        using var good = torch.ones(4);
        Assert.ThrowsAny<Exception>(() => SafeTensors.Save(path, [("a", good), ("b", disposed)]));

        Assert.Equal(oldBytes, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void Invalid_arguments_are_refused_before_any_file_is_created()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        using var a = torch.ones(1);
        using var complex = torch.ones(1, dtype: torch.ScalarType.ComplexFloat32);

        var duplicate = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [("a", a), ("a", a)]));
        var reserved = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [("__metadata__", a)]));
        var unsupported = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [("c", complex)]));

        Assert.Contains("'a' appears more than once", duplicate.Message);
        Assert.Contains("reserved", reserved.Message);
        Assert.Contains("ComplexFloat32", unsupported.Message);
        Assert.Empty(dir.FileNames());
    }
}
