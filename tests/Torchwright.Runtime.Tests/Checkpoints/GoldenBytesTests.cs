using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Byte-exact compatibility with what Python's safetensors writes for {"a": float32 [1, 2]}.</summary>
public sealed class GoldenBytesTests
{
    // serde_json compact output: 54 bytes, padded with 2 spaces to 56.
    private const string Json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private static byte[] Golden()
    {
        byte[] prefix = [56, 0, 0, 0, 0, 0, 0, 0];
        byte[] header = Encoding.ASCII.GetBytes(Json + "  ");
        byte[] data = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40]; // 1.0f, 2.0f little-endian
        return prefix.Concat(header).Concat(data).ToArray();
    }

    [Fact]
    public void Golden_bytes_are_as_expected_by_construction()
    {
        // Guards the hand-built vector itself: 8 + 56 + 8 bytes, header a multiple of 8.
        Assert.Equal(54, Json.Length);
        Assert.Equal(72, Golden().Length);
    }

    [Fact]
    public void Reads_the_python_file()
    {
        using var dir = new TempDir();
        string path = dir.Write("a.safetensors", Golden());

        var loaded = SafeTensors.Load(path);

        var a = Assert.Single(loaded).Value;
        Assert.Equal(torch.ScalarType.Float32, a.dtype);
        Assert.Equal(new long[] { 2 }, a.shape);
        Assert.Equal(new float[] { 1f, 2f }, a.data<float>().ToArray());
    }

    [Fact]
    public void Writes_the_same_bytes_as_python()
    {
        using var dir = new TempDir();
        string path = dir.File("a.safetensors");
        using var a = torch.tensor(new float[] { 1f, 2f });

        SafeTensors.Save(path, [("a", a)]);

        Assert.Equal(Golden(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Writes_metadata_first_like_python()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        using var a = torch.tensor(new float[] { 1f, 2f });
        const string json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

        SafeTensors.Save(path, [("a", a)], new System.Collections.Generic.Dictionary<string, string> { ["format"] = "pt" });

        Assert.Equal(RawFile.Build(json, RawFile.Floats(1f, 2f)), File.ReadAllBytes(path));
    }
}
