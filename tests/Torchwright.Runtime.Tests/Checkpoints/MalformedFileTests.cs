using System.Collections.Generic;
using System.Linq;
using System.Text;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Every kind of malformed file is refused, and the message says which file, which key and what is wrong.</summary>
public sealed class MalformedFileTests
{
    private sealed record Case(byte[] Bytes, string? Key, params string[] Fragments);

    private static string Entry(string dtype, string shape, string offsets)
        => $"{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["shorter than the prefix"] = new(new byte[] { 1, 2, 3 }, null, "3 bytes", "fewer than the 8-byte"),
        ["header length beyond file"] = new(RawFile.WithClaimedLength(100, Utf8("{}")), null, "claims 100 bytes", "only 2 bytes follow"),
        ["absurd header length"] = new(RawFile.WithClaimedLength(200_000_000, Utf8("{}")), null, "claims 200000000 bytes", "100000000-byte limit"),
        ["invalid UTF-8"] = new(RawFile.WithClaimedLength(8, [.. Utf8("{\"a"), 0xFF, .. Utf8("\":1}")]), null, "not valid UTF-8", "0xFF", "offset 3"),
        ["truncated JSON"] = new(RawFile.Build("{\"a\":{\"dtype\":\"F32\","), "a", "not valid JSON"),
        ["content after the JSON"] = new(RawFile.Build("{} x"), null, "not valid JSON"),
        ["root is not an object"] = new(RawFile.Build("[1,2]"), null, "must start with '{'", "0x5B"),
        ["entry is not an object"] = new(RawFile.Build("{\"a\":5}"), "a", "must be a JSON object but is a number"),
        ["unknown dtype"] = new(RawFile.Build("{\"a\":" + Entry("F8", "[1]", "[0,1]") + "}", new byte[1]), "a", "unknown dtype \"F8\"", "F32"),
        ["dtype in lower case"] = new(RawFile.Build("{\"a\":" + Entry("f32", "[1]", "[0,4]") + "}", new byte[4]), "a", "unknown dtype \"f32\""),
        ["negative shape"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[-1]", "[0,4]") + "}", new byte[4]), "a", "\"shape\"[0] is -1", "non-negative integer"),
        ["fractional shape"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1,2.5]", "[0,4]") + "}", new byte[4]), "a", "\"shape\"[1] is 2.5"),
        ["exponent shape"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1e0]", "[0,4]") + "}", new byte[4]), "a", "\"shape\"[0] is 1e0"),
        ["string shape"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[\"1\"]", "[0,4]") + "}", new byte[4]), "a", "\"shape\"[0] is a string"),
        ["integer beyond 64 bits"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[99999999999999999999]", "[0,4]") + "}", new byte[4]), "a", "99999999999999999999", "no larger than 9223372036854775807"),
        ["negative offset"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1]", "[-4,0]") + "}", new byte[4]), "a", "\"data_offsets\"[0] is -4"),
        ["shape size differs from range"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[3]", "[0,8]") + "}", new byte[8]), "a", "shape [3] of F32 needs 12 bytes", "span 8 bytes"),
        ["shape size overflows"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[4611686018427387904,4]", "[0,8]") + "}", new byte[8]), "a", "64-bit count"),
        ["range past the data buffer"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[2]", "[0,8]") + "}", new byte[4]), "a", "[0, 8] reach past the end", "has 4 bytes"),
        ["overlapping ranges"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[2]", "[0,8]") + ",\"b\":" + Entry("F32", "[2]", "[4,12]") + "}", new byte[12]), "b", "overlap tensor 'a' at [0, 8]", "begin at 8"),
        ["gap between tensors"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1]", "[0,4]") + ",\"b\":" + Entry("F32", "[1]", "[8,12]") + "}", new byte[12]), "b", "gap of 4 unused bytes at [4, 8)"),
        ["gap at the start"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1]", "[4,8]") + "}", new byte[8]), "a", "gap of 4 unused bytes at [0, 4)"),
        ["trailing data bytes"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1]", "[0,4]") + "}", new byte[8]), null, "has 8 bytes", "cover only 4", "4 trailing bytes"),
        ["reversed offsets"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[0]", "[4,0]") + "}", new byte[4]), "a", "[4, 0] end before they begin"),
        ["three offsets"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1]", "[0,4,4]") + "}", new byte[4]), "a", "exactly 2 integers", "holds 3"),
        ["duplicate tensor key"] = new(RawFile.Build("{\"a\":" + Entry("F32", "[1]", "[0,4]") + ",\"a\":" + Entry("F32", "[1]", "[4,8]") + "}", new byte[8]), "a", "appears more than once"),
        ["duplicate field"] = new(RawFile.Build("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "a", "field \"dtype\" appears more than once"),
        ["unknown field"] = new(RawFile.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"offsets\":[0,4]}}", new byte[4]), "a", "unknown field \"offsets\""),
        ["missing field"] = new(RawFile.Build("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]), "a", "no \"shape\" field"),
        ["non-string metadata"] = new(RawFile.Build("{\"__metadata__\":{\"epoch\":3}}"), "__metadata__", "value of \"epoch\" must be a string but is a number"),
        ["duplicate metadata"] = new(RawFile.Build("{\"__metadata__\":{},\"__metadata__\":{}}"), "__metadata__", "appears more than once"),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_file_is_refused_with_a_precise_message(string caseName)
    {
        var c = Cases[caseName];
        using var dir = new TempDir();
        string path = dir.Write("bad.safetensors", c.Bytes);

        // Both entry points share the validation; Load must never get past it.
        var fromHeader = Assert.Throws<CheckpointFormatException>(() => SafeTensors.ReadHeader(path));
        var fromLoad = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path));

        foreach (var ex in new[] { fromHeader, fromLoad })
        {
            Assert.Equal(path, ex.FilePath);
            Assert.Equal(c.Key, ex.Key);
            Assert.Contains(path, ex.Message);
            if (c.Key is not null)
            {
                Assert.Contains($"key '{c.Key}'", ex.Message);
            }
            foreach (var fragment in c.Fragments)
            {
                Assert.Contains(fragment, ex.Message);
            }
        }
    }

    [Fact]
    public void Bool_bytes_other_than_0_and_1_are_refused_on_load()
    {
        using var dir = new TempDir();
        string path = dir.Write("bool.safetensors", RawFile.Build("{\"flags\":" + Entry("BOOL", "[3]", "[0,3]") + "}", [1, 0, 7]));

        Assert.Single(SafeTensors.ReadHeader(path).Entries);
        var ex = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path));
        Assert.Equal("flags", ex.Key);
        Assert.Contains("BOOL element 2 is stored as 7", ex.Message);
    }

    [Fact]
    public void Valid_minimal_files_are_accepted()
    {
        // Guards against a validator that refuses everything: these are the edge cases it must allow.
        using var dir = new TempDir();
        var empty = SafeTensors.ReadHeader(dir.Write("empty.safetensors", RawFile.Build("{}")));
        var unpadded = SafeTensors.ReadHeader(dir.Write("unpadded.safetensors",
            RawFile.Build("{\"z\":" + Entry("F32", "[0]", "[4,4]") + ",\"a\":" + Entry("F32", "[1]", "[0,4]") + "}", new byte[4], pad: false)));

        Assert.Empty(empty.Entries);
        Assert.Equal(["a", "z"], unpadded.Entries.Select(e => e.Name));
    }
}
