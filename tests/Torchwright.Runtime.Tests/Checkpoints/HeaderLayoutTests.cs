using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>The writer's header layout, checked on the raw bytes rather than through our own reader.</summary>
public sealed class HeaderLayoutTests
{
    private static (string Json, int HeaderLength, byte[] File) Write(TempDir dir, params (string, torch.Tensor)[] tensors)
    {
        string path = dir.File("layout.safetensors");
        SafeTensors.Save(path, tensors, new System.Collections.Generic.Dictionary<string, string> { ["z"] = "1", ["a"] = "2" });
        byte[] file = File.ReadAllBytes(path);
        int n = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        return (Encoding.UTF8.GetString(file, 8, n), n, file);
    }

    [Fact]
    public void Header_is_padded_with_spaces_to_a_multiple_of_8()
    {
        using var dir = new TempDir();
        using var t = torch.zeros(3);
        var paddings = new System.Collections.Generic.HashSet<int>();
        // Names of 1..8 characters give every JSON length remainder, so every padding amount occurs.
        for (int length = 1; length <= 8; length++)
        {
            var (json, n, _) = Write(dir, (new string('x', length), t));

            Assert.Equal(0, n % 8);
            string trimmed = json.TrimEnd(' ');
            Assert.EndsWith("}", trimmed);
            Assert.InRange(n - trimmed.Length, 0, 7);
            paddings.Add(n - trimmed.Length);
        }
        Assert.Equal(8, paddings.Count);
    }

    [Fact]
    public void Same_dtype_keys_are_sorted_and_metadata_comes_first()
    {
        using var dir = new TempDir();
        using var b = torch.zeros(1);
        using var c = torch.zeros(1);
        using var a = torch.zeros(1);

        var (json, _, _) = Write(dir, ("b", b), ("c", c), ("a", a));

        string[] keys = TopLevelKeys(json);
        Assert.Equal(["__metadata__", "a", "b", "c"], keys);
        Assert.True(json.IndexOf("\"a\":\"2\"", StringComparison.Ordinal) < json.IndexOf("\"z\":\"1\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Data_is_ordered_by_alignment_then_name_and_every_tensor_is_aligned()
    {
        using var dir = new TempDir();
        using var flag = torch.ones(3, dtype: torch.ScalarType.Bool);
        using var half = torch.ones(3, dtype: torch.ScalarType.Float16);
        using var wide = torch.ones(3, dtype: torch.ScalarType.Float64);
        using var single = torch.ones(3, dtype: torch.ScalarType.Float32);

        var (json, n, file) = Write(dir, ("a_bool", flag), ("b_half", half), ("c_double", wide), ("d_float", single));

        // Python's writer puts larger alignments first so tensors stay aligned without padding.
        Assert.Equal(["__metadata__", "c_double", "d_float", "b_half", "a_bool"], TopLevelKeys(json));
        using var doc = JsonDocument.Parse(json);
        long cursor = 0;
        foreach (var key in TopLevelKeys(json).Skip(1))
        {
            var offsets = doc.RootElement.GetProperty(key).GetProperty("data_offsets");
            long begin = offsets[0].GetInt64();
            Assert.Equal(cursor, begin);
            int size = doc.RootElement.GetProperty(key).GetProperty("dtype").GetString() switch
            {
                "F64" => 8, "F32" => 4, "F16" => 2, _ => 1,
            };
            Assert.Equal(0, (8 + n + begin) % size);
            cursor = offsets[1].GetInt64();
        }
        Assert.Equal(file.Length, 8 + n + cursor);
    }

    private static string[] TopLevelKeys(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
    }
}
