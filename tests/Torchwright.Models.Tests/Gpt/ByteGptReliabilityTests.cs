using System;
using System.Linq;
using System.Threading.Tasks;
using Torchwright.Models.Gpt;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>Bad input is refused clearly; the same seed gives the same model; threads do not disturb each other.</summary>
public class ByteGptReliabilityTests
{
    private static ByteGpt Small(int seed)
    {
        manual_seed(seed);
        return new ByteGpt(new ByteGptConfig(Context: 16, Dim: 32, Heads: 2, Layers: 2));
    }

    [Fact]
    public void Float_ids_are_refused_with_the_argument_and_the_element_type()
    {
        using var model = Small(1);
        using var floats = zeros(2, 8);

        var error = Assert.Throws<ArgumentException>(() => model.forward(floats));

        Assert.Equal("bytes", error.ParamName);
        Assert.Contains("ByteGpt.forward: argument 'bytes' holds Float32 elements, expected integer elements", error.Message);
    }

    [Fact]
    public void Input_on_another_device_is_refused()
    {
        using var model = Small(1);
        using var elsewhere = zeros(new long[] { 2, 8 }, ScalarType.Int64, device: new Device("meta"));

        var error = Assert.Throws<ArgumentException>(() => model.forward(elsewhere));

        Assert.Contains("argument 'bytes' is on meta", error.Message);
        Assert.Contains("parameters are on cpu", error.Message);
    }

    [Fact]
    public void Four_threads_at_once_give_the_sequential_results()
    {
        using var model = Small(4);
        model.eval();
        var inputs = Enumerable.Range(0, 4)
            .Select(i => randint(0, 256, new long[] { 2, 16 }, dtype: ScalarType.Int64, generator: new Generator((ulong)i + 10)))
            .ToArray();
        float[][] sequential;
        using (no_grad())
        {
            sequential = inputs.Select(ids => { using var y = model.forward(ids); return y.data<float>().ToArray(); }).ToArray();
        }

        var parallel = new float[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var _ = no_grad(); // grad mode is per thread
            for (var repeat = 0; repeat < 20; repeat++)
            {
                using var y = model.forward(inputs[i]);
                parallel[i] = y.data<float>().ToArray();
            }
        });

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }
}

/// <summary>The same seed builds the same model: needs the global seed to itself, hence its own collection.</summary>
[Collection(nameof(GlobalRandomState))]
public class ByteGptSeedTests
{
    private static ByteGpt Small(int seed)
    {
        manual_seed(seed);
        return new ByteGpt(new ByteGptConfig(Context: 16, Dim: 32, Heads: 2, Layers: 2));
    }

    [Fact]
    public void Same_seed_gives_identical_outputs()
    {
        using var ids = randint(0, 256, new long[] { 2, 16 }, dtype: ScalarType.Int64, generator: new Generator(3));
        using var first = Small(9);
        using var second = Small(9);
        using var _ = no_grad();

        using var a = first.forward(ids);
        using var b = second.forward(ids);

        Assert.True(a.equal(b).all().item<bool>());
    }
}
