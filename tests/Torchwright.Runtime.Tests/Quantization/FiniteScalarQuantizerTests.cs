using System;
using System.Linq;
using Torchwright.Runtime.Quantization;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Quantization;

/// <summary>Check 1: FSQ's index↔code mapping is exact and rounding passes gradients straight through.</summary>
public class FiniteScalarQuantizerTests(ITestOutputHelper output)
{
    public static TheoryData<int[]> LevelSets => new() { new[] { 8, 5, 5, 5 }, new[] { 8, 8, 8, 5, 5, 5 }, new[] { 7, 5, 3 }, new[] { 2 } };

    [Theory]
    [MemberData(nameof(LevelSets))]
    public void Every_code_maps_to_its_index_and_back(int[] levels)
    {
        var fsq = new FiniteScalarQuantizer(levels);
        using var scope = NewDisposeScope();
        var indices = arange(fsq.CodebookSize, ScalarType.Int64);
        var codes = fsq.IndicesToCodes(indices);
        var back = fsq.CodesToIndices(codes);

        Assert.Equal(levels.Aggregate(1L, (product, level) => product * level), fsq.CodebookSize);
        Assert.True(back.eq(indices).all().item<bool>(), "index(code(i)) must be i for every index");
        for (var channel = 0; channel < levels.Length; channel++)
        {
            Assert.Equal(levels[channel], codes.select(1, channel).unique().Item1.numel());
        }
        var roundTrip = fsq.IndicesToCodes(back);
        Assert.True(roundTrip.eq(codes).all().item<bool>(), "code(index(c)) must be c exactly for every code");
        output.WriteLine($"levels [{string.Join(",", levels)}]: {fsq.CodebookSize} codes, all round trips exact");
    }

    [Fact]
    public void Codes_are_the_cartesian_product_of_the_channel_grids()
    {
        var fsq = new FiniteScalarQuantizer(new[] { 8, 5, 5, 5 });
        using var scope = NewDisposeScope();
        var all = fsq.AllCodes();
        // Build every code independently as a grid point and look up its index.
        var grids = fsq.Levels.Select(level => Enumerable.Range(0, level).Select(j => (float)(j - level / 2) / (level / 2)).ToArray()).ToArray();
        var seen = new bool[fsq.CodebookSize];
        foreach (var a in grids[0])
        foreach (var b in grids[1])
        foreach (var c in grids[2])
        foreach (var d in grids[3])
        {
            var code = tensor(new[] { a, b, c, d });
            var index = fsq.CodesToIndices(code).item<long>();
            Assert.InRange(index, 0, fsq.CodebookSize - 1);
            Assert.False(seen[index], $"two codes share index {index}");
            seen[index] = true;
            Assert.True(all[index].eq(code).all().item<bool>(), $"code {index} is [{string.Join(",", all[index].data<float>().ToArray())}], expected [{a},{b},{c},{d}]");
        }
        Assert.All(seen, Assert.True);
        Assert.Equal(-1f, all.min().item<float>());
        Assert.Equal(1f, all.max().item<float>(), 0.25f); // even levels stop one step short of +1
    }

    [Fact]
    public void Quantize_lands_on_the_grid_and_reaches_every_level()
    {
        var fsq = new FiniteScalarQuantizer(new[] { 8, 5, 5, 5 });
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var z = randn(new long[] { 4096, 4 }, generator: generator) * 3;
        var codes = fsq.Quantize(z);
        var indices = fsq.CodesToIndices(codes);
        Assert.True(fsq.IndicesToCodes(indices).eq(codes).all().item<bool>(), "quantised values must be grid codes");
        for (var channel = 0; channel < 4; channel++)
        {
            var distinct = codes.select(1, channel).unique().Item1.numel();
            Assert.Equal(fsq.Levels[channel], distinct);
        }
        Assert.InRange(indices.min().item<long>(), 0, fsq.CodebookSize - 1);
        Assert.InRange(indices.max().item<long>(), 0, fsq.CodebookSize - 1);
    }

    [Fact]
    public void Straight_through_rounding_has_the_identity_gradient()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var x = (randn(new long[] { 64 }, generator: generator) * 4).requires_grad_();
        var upstream = randn(new long[] { 64 }, generator: generator);
        var rounded = FiniteScalarQuantizer.RoundStraightThrough(x);
        Assert.True(rounded.eq(x.detach().round()).all().item<bool>(), "the forward pass must round");
        (rounded * upstream).sum().backward();
        Assert.True(x.grad!.eq(upstream).all().item<bool>(), "the gradient must pass through unchanged");
    }

    [Fact]
    public void Quantize_gradient_is_the_bound_gradient_over_the_half_width()
    {
        var fsq = new FiniteScalarQuantizer(new[] { 8, 5 });
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var z = randn(new long[] { 32, 2 }, generator: generator).requires_grad_();
        fsq.Quantize(z).sum().backward();
        var viaQuantize = z.grad!.clone();
        z.grad!.zero_();
        (fsq.Bound(z) / tensor(new[] { 4f, 2f })).sum().backward();
        Assert.True(viaQuantize.allclose(z.grad!, 1e-6, 1e-7), "rounding must not change the gradient of the bounded values");
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        var fsq = new FiniteScalarQuantizer(new[] { 8, 5, 5, 5 });
        using var scope = NewDisposeScope();
        var wrong = Assert.Throws<ArgumentException>(() => fsq.Quantize(zeros(2, 3)));
        Assert.Contains("4 channels", wrong.Message);
        Assert.Contains("[2,3]", wrong.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => fsq.IndicesToCodes(tensor(new long[] { 0, 1000 })));
        Assert.Contains("[0, 1000)", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FiniteScalarQuantizer(new[] { 8, 1 }));
    }
}
