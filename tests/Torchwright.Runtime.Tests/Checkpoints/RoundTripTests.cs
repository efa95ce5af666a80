using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Save then load gives back every dtype bit for bit, with shape and dtype intact.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<torch.ScalarType> AllDTypes() => new()
    {
        torch.ScalarType.Float32, torch.ScalarType.Float16, torch.ScalarType.BFloat16, torch.ScalarType.Float64,
        torch.ScalarType.Int64, torch.ScalarType.Int32, torch.ScalarType.Int16, torch.ScalarType.Int8,
        torch.ScalarType.Byte, torch.ScalarType.Bool,
    };

    /// <summary>Random raw bits: for floats this includes NaN payloads, infinities, -0 and subnormals.</summary>
    private static torch.Tensor RandomBits(torch.ScalarType dtype, long[] shape, int seed)
    {
        var tensor = torch.empty(shape, dtype);
        var bytes = new byte[tensor.numel() * tensor.element_size()];
        new Random(seed).NextBytes(bytes);
        if (dtype == torch.ScalarType.Bool)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }
        bytes.CopyTo(tensor.bytes);
        return tensor;
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Every_dtype_round_trips_exactly(torch.ScalarType dtype)
    {
        using var dir = new TempDir();
        string path = dir.File("t.safetensors");
        using var matrix = RandomBits(dtype, [3, 5], seed: 1);
        using var scalar = RandomBits(dtype, [], seed: 2);
        using var empty = RandomBits(dtype, [0, 4], seed: 3);

        SafeTensors.Save(path, [("matrix", matrix), ("scalar", scalar), ("empty", empty)]);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(["empty", "matrix", "scalar"], loaded.Keys.Order());
        foreach (var (name, original) in new[] { ("matrix", matrix), ("scalar", scalar), ("empty", empty) })
        {
            var back = loaded[name];
            Assert.Equal(dtype, back.dtype);
            Assert.Equal(original.shape, back.shape);
            Assert.Equal(original.bytes.ToArray(), back.bytes.ToArray());
            back.Dispose();
        }
    }

    [Fact]
    public void Tensors_larger_than_one_io_chunk_round_trip()
    {
        // The I/O goes in 64 MiB pieces; one element past that forces a second, offset piece.
        using var dir = new TempDir();
        string path = dir.File("big.safetensors");
        using var big = torch.arange((64L << 20) / sizeof(int) + 1, dtype: torch.ScalarType.Int32);

        SafeTensors.Save(path, [("big", big)]);
        using var back = SafeTensors.Load(path)["big"];

        using var same = big.eq(back).all();
        Assert.True(same.item<bool>());
    }

    [Fact]
    public void Non_contiguous_tensors_are_written_in_row_major_order()
    {
        using var dir = new TempDir();
        string path = dir.File("t.safetensors");
        using var source = torch.arange(6, dtype: torch.ScalarType.Int32).reshape(2, 3);
        using var transposed = source.t();
        Assert.False(transposed.is_contiguous());

        SafeTensors.Save(path, [("t", transposed)]);
        using var back = SafeTensors.Load(path)["t"];

        Assert.Equal(new long[] { 3, 2 }, back.shape);
        Assert.Equal(new[] { 0, 3, 1, 4, 2, 5 }, back.data<int>().ToArray());
    }

    [Fact]
    public void Metadata_round_trips()
    {
        using var dir = new TempDir();
        string path = dir.File("t.safetensors");
        using var t = torch.zeros(2);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "quote \" backslash \\ newline \n ünïcödé" };

        SafeTensors.Save(path, [("t", t)], metadata);

        Assert.Equal(metadata, SafeTensors.ReadHeader(path).Metadata);
    }

    [Fact]
    public void Saving_does_not_change_or_dispose_the_source_tensor()
    {
        using var dir = new TempDir();
        using var t = torch.tensor(new float[] { 1, 2, 3 }).requires_grad_();

        SafeTensors.Save(dir.File("t.safetensors"), [("t", t)]);

        Assert.False(t.IsInvalid);
        Assert.True(t.requires_grad);
        Assert.Equal(new float[] { 1, 2, 3 }, t.data<float>().ToArray());
    }
}
