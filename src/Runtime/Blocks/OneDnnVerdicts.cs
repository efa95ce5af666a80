using System.Collections.Concurrent;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Whether oneDNN computes a product of one configuration right, checked once per configuration against BLAS on seeded
/// random data. oneDNN 3.7.1 gets some 1×1 convolutions silently wrong in the forward pass (measured here: 98 of 737
/// shapes, all with output widths it blocks by 48 with padding, e.g. 8192 rows of 128 → 1024), and its choice of
/// kernel depends only on the shapes, the thread count and the CPU, so one check covers every later call alike.
/// A check costs about three products, paid on a configuration's first call; a layer that meets ever new row counts
/// (batches of varying length) has the first <see cref="CheckedRowCounts"/> of them checked and the rest left to BLAS.
/// Either way a configuration keeps the kernel of its first call, so repeated calls give the same bits.
/// </summary>
internal static class OneDnnVerdicts
{
    /// <summary>How many row counts of one layer shape are checked; later ones run on BLAS.</summary>
    public const int CheckedRowCounts = 8;

    private const ulong CheckSeed = 8191;
    private const double Tolerance = 1e-4; // relative to the largest |value|; right answers differ by about 1e-6

    private static readonly ConcurrentDictionary<Configuration, bool> Verdicts = new();
    private static readonly ConcurrentDictionary<Configuration, int> ChecksByLayerShape = new(); // keyed with Rows = 0

    /// <summary>True when oneDNN's result for this configuration matched BLAS's, checked on its first call.</summary>
    public static bool Trusted(long rows, long inFeatures, long outFeatures, bool bias, bool gradients, bool forced)
    {
        var configuration = new Configuration(rows, inFeatures, outFeatures, bias, gradients, get_num_threads());
        return Verdicts.GetOrAdd(configuration, c =>
        {
            var checks = ChecksByLayerShape.AddOrUpdate(c with { Rows = 0 }, 1, (_, count) => count + 1);
            return (forced || checks <= CheckedRowCounts) && Check(c.Rows, c.In, c.Out, c.Bias, c.Gradients);
        });
    }

    private readonly record struct Configuration(long Rows, long In, long Out, bool Bias, bool Gradients, int Threads);

    private static bool Check(long rows, long inFeatures, long outFeatures, bool withBias, bool gradients)
    {
        using var scope = NewDisposeScope();
        using var mode = gradients ? enable_grad() : no_grad();
        using var generator = new Generator(CheckSeed); // its own stream: the global one is the user's
        var input = randn(new[] { rows, inFeatures }, generator: generator).requires_grad_(gradients);
        var weight = randn(new[] { outFeatures, inFeatures }, generator: generator).mul_(1.0 / System.Math.Sqrt(inFeatures)).requires_grad_(gradients);
        var bias = withBias ? randn(new[] { outFeatures }, generator: generator).requires_grad_(gradients) : null;
        var expected = nn.functional.linear(input, weight, bias);
        var actual = OneDnnProducts.Linear(input, weight, bias);
        if (!Close(expected, actual))
        {
            return false;
        }
        if (!gradients)
        {
            return true;
        }
        var outputGrad = randn(new[] { rows, outFeatures }, generator: generator);
        var leaves = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        var expectedGrads = autograd.grad(new[] { expected }, leaves, new[] { outputGrad });
        var actualGrads = autograd.grad(new[] { actual }, leaves, new[] { outputGrad });
        return expectedGrads.Zip(actualGrads).All(pair => Close(pair.First, pair.Second));
    }

    private static bool Close(Tensor expected, Tensor actual)
    {
        var scale = expected.abs().max().item<float>();
        var error = (expected - actual).abs().max().item<float>();
        return error <= Tolerance * System.Math.Max(scale, 1e-6f);
    }
}
