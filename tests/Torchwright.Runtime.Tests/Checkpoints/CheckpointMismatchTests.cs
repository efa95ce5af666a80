using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>A checkpoint that does not fit is refused with every problem listed, and the module is left untouched.</summary>
public sealed class CheckpointMismatchTests
{
    /// <summary>
    /// File: fc1.weight [5,3] (module [4,3]), fc1.bias as F64 (module F32), fc2.weight fine,
    /// extra.a and extra.b unexpected; fc2.bias and steps missing.
    /// </summary>
    private static string WriteMisfit(TempDir dir)
    {
        string path = dir.File("misfit.safetensors");
        using var w1 = torch.zeros(5, 3);
        using var b1 = torch.zeros(4, dtype: torch.ScalarType.Float64);
        using var w2 = torch.zeros(2, 4);
        using var extraA = torch.zeros(1);
        using var extraB = torch.zeros(1);
        SafeTensors.Save(path, [("fc1.weight", w1), ("fc1.bias", b1), ("fc2.weight", w2), ("extra.a", extraA), ("extra.b", extraB)]);
        return path;
    }

    [Fact]
    public void Strict_load_reports_all_problems_at_once_and_changes_nothing()
    {
        using var dir = new TempDir();
        string path = WriteMisfit(dir);
        using var module = TestModules.Seeded(3);
        var before = TestModules.Snapshot(module);

        var ex = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(module, path));

        Assert.Equal(["fc2.bias", "steps"], ex.MissingKeys);
        Assert.Equal(["extra.a", "extra.b"], ex.UnexpectedKeys);
        var shape = Assert.Single(ex.ShapeMismatches);
        Assert.Equal("fc1.weight", shape.ModuleKey);
        Assert.Equal(new long[] { 4, 3 }, shape.ModuleShape);
        Assert.Equal(new long[] { 5, 3 }, shape.FileShape);
        var dtype = Assert.Single(ex.DTypeMismatches);
        Assert.Equal("fc1.bias", dtype.ModuleKey);
        Assert.Equal(torch.ScalarType.Float32, dtype.ModuleDType);
        Assert.Equal(SafeTensorsDType.F64, dtype.FileDType);

        foreach (var fragment in new[] { path, "6 problems", "'fc2.bias'", "'steps'", "'extra.a'", "'extra.b'", "module [4, 3], file [5, 3]", "module Float32 (F32), file F64" })
        {
            Assert.Contains(fragment, ex.Message);
        }
        // fc2.weight fitted, but nothing may be copied while anything else is wrong.
        Assert.Equal(before, TestModules.Snapshot(module));
    }

    [Fact]
    public void Non_strict_load_still_refuses_shape_and_dtype_mismatches()
    {
        using var dir = new TempDir();
        string path = WriteMisfit(dir);
        using var module = TestModules.Seeded(3);
        var before = TestModules.Snapshot(module);

        var ex = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(module, path, strict: false));

        Assert.Empty(ex.MissingKeys);
        Assert.Empty(ex.UnexpectedKeys);
        Assert.Single(ex.ShapeMismatches);
        Assert.Single(ex.DTypeMismatches);
        Assert.Equal(before, TestModules.Snapshot(module));
    }

    [Fact]
    public void Non_strict_load_skips_missing_and_unexpected_keys_and_reports_them()
    {
        using var dir = new TempDir();
        string path = dir.File("partial.safetensors");
        using var source = TestModules.Seeded(1);
        var sourceState = TestModules.Snapshot(source);
        using (var w = source.state_dict()["fc1.weight"].detach())
        using (var extra = torch.ones(2))
        {
            SafeTensors.Save(path, [("fc1.weight", w), ("extra", extra)]);
        }
        using var target = TestModules.Seeded(2);
        TestModules.AssertEveryParameterDiffers(source, target);
        var before = TestModules.Snapshot(target);

        var result = Checkpoint.Load(target, path, strict: false);

        var after = TestModules.Snapshot(target);
        Assert.Equal(sourceState["fc1.weight"], after["fc1.weight"]);
        Assert.Equal(before["fc2.weight"], after["fc2.weight"]);
        Assert.Equal(["fc1.bias", "fc2.bias", "fc2.weight", "steps"], result.MissingKeys.Order());
        Assert.Equal(["extra"], result.UnexpectedKeys);
    }

    [Fact]
    public void Strict_load_refuses_a_file_that_only_lacks_keys()
    {
        using var dir = new TempDir();
        string path = dir.File("partial.safetensors");
        using var small = TestModules.SeededLinear(1, 3, 4);
        Checkpoint.Save(small, path, mapKey: k => "fc1." + k);
        using var module = TestModules.Seeded(2);
        var before = TestModules.Snapshot(module);
        // The file's fc1 differs from the module's, so a partial copy before the refusal would show below.
        Assert.NotEqual(TestModules.Snapshot(small)["weight"], before["fc1.weight"]);
        Assert.NotEqual(TestModules.Snapshot(small)["bias"], before["fc1.bias"]);

        var ex = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(module, path));

        Assert.Equal(["fc2.bias", "fc2.weight", "steps"], ex.MissingKeys);
        Assert.Empty(ex.UnexpectedKeys);
        Assert.Equal(before, TestModules.Snapshot(module));
    }

    [Fact]
    public void Malformed_checkpoint_is_refused_before_the_module_is_touched()
    {
        using var dir = new TempDir();
        using var module = TestModules.SeededLinear(1, 3, 2);
        var before = TestModules.Snapshot(module);
        string path = dir.Write("bad.safetensors", RawFile.Build(
            "{\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,30]}}",
            new byte[30]));

        var ex = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(module, path));

        Assert.Equal("weight", ex.Key);
        Assert.Equal(before, TestModules.Snapshot(module));
    }
}
