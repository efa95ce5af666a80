using System.Collections.Concurrent;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Whether oneDNN computes a product of one configuration (route, type, shapes, bias, gradients, threads) right, checked
/// once per configuration against BLAS in fp32 on seeded random data. oneDNN 3.7.1 gets some 1×1 convolutions silently
/// wrong in the forward pass (measured here: 98 of 737 shapes, all with output widths it blocks by 48 with padding,
/// e.g. 8192 rows of 128 → 1024), and its choice of kernel depends only on the shapes, the type, the thread count and
/// the CPU, so one check covers every later call alike. The inner product and the transposed matmul are checked the
/// same way.
/// A check costs about three products, paid on a configuration's first call; a layer that meets ever new row counts
/// (batches of varying length) has the first <see cref="CheckedRowCounts"/> of them checked and the rest left to BLAS.
/// Either way a configuration keeps the kernel of its first call, so repeated calls give the same bits.
/// </summary>
internal static class OneDnnVerdicts
{
    /// <summary>How many row counts of one layer shape are checked; later ones run on BLAS.</summary>
    public const int CheckedRowCounts = 8;

    private const ulong CheckSeed = 8191;
    // Relative to the largest |value|: right fp32 answers differ by about 1e-6, bf16 ones by its rounding (2⁻⁸), wrong
    // ones by about 0.5.
    private const double Tolerance = 1e-4;
    private const double LowPrecisionTolerance = 2e-2;

    private static readonly ConcurrentDictionary<Configuration, bool> Verdicts = new();
    private static readonly ConcurrentDictionary<Configuration, int> ChecksByLayerShape = new(); // keyed by widths, bias and threads

    /// <summary>True when oneDNN's result for this configuration matched BLAS's, checked on its first call.</summary>
    public static bool Trusted(OneDnnRoute route, ScalarType type, long rows, long inFeatures, long outFeatures, bool bias, bool gradients, bool forced)
    {
        var configuration = new Configuration(route, type, rows, inFeatures, outFeatures, bias, gradients, get_num_threads());
        return Verdicts.GetOrAdd(configuration, c =>
        {
            // Counted over every route and type alike: a layer shape gets eight checks, not eight per route.
            var layerShape = c with { Rows = 0, Route = OneDnnRoute.InnerProduct, Type = ScalarType.Float32, Gradients = false };
            var checks = ChecksByLayerShape.AddOrUpdate(layerShape, 1, (_, count) => count + 1);
            return (forced || checks <= CheckedRowCounts) && Check(c);
        });
    }

    private readonly record struct Configuration(OneDnnRoute Route, ScalarType Type, long Rows, long In, long Out, bool Bias, bool Gradients, int Threads);

    private static bool Check(Configuration c)
    {
        using var scope = NewDisposeScope();
        using var mode = c.Gradients ? enable_grad() : no_grad();
        using var generator = new Generator(CheckSeed); // its own stream: the global one is the user's
        // Drawn in fp32 and rounded to the configuration's type, so that BLAS multiplies exactly the values oneDNN does.
        Tensor Draw(long[] shape, double scale) => randn(shape, generator: generator).mul_(scale).to(c.Type).requires_grad_(c.Gradients);
        var input = Draw(new[] { c.Rows, c.In }, 1);
        var weight = Draw(new[] { c.Out, c.In }, 1.0 / System.Math.Sqrt(c.In));
        var bias = c.Bias ? Draw(new[] { c.Out }, 1) : null;
        var expected = nn.functional.linear(input.@float(), weight.@float(), bias?.@float());
        var actual = OneDnnProducts.Linear(c.Route, input, weight, bias).@float();
        if (!Close(expected, actual, c.Type == ScalarType.Float32 ? Tolerance : LowPrecisionTolerance))
        {
            return false;
        }
        if (!c.Gradients)
        {
            return true;
        }
        var outputGrad = randn(new[] { c.Rows, c.Out }, generator: generator);
        var leaves = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        var expectedGrads = autograd.grad(new[] { expected }, leaves, new[] { outputGrad });
        var actualGrads = autograd.grad(new[] { actual }, leaves, new[] { outputGrad });
        return expectedGrads.Zip(actualGrads).All(pair => Close(pair.First, pair.Second, Tolerance));
    }

    /// <summary>Whether <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>,
    /// relative to its largest |value|: how every oneDNN result is checked against libtorch's.</summary>
    internal static bool Close(Tensor expected, Tensor actual, double tolerance)
    {
        var scale = expected.abs().max().item<float>();
        var error = (expected - actual).abs().max().item<float>();
        return error <= tolerance * System.Math.Max(scale, 1e-6f);
    }
}
