using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Whether oneDNN computes a product of one configuration right, checked once per configuration against BLAS on seeded
/// random data. oneDNN 3.7.1 gets some 1×1 convolutions silently wrong in the forward pass (measured here: 98 of 737
/// shapes, all with output widths it blocks by 48 with padding, e.g. 8192 rows of 128 → 1024), and its choice of
/// kernel depends only on the shapes, the thread count and the CPU, so one check covers every later call alike.
/// A check costs about three products; configurations met once (a batch of unusual length) stay on BLAS unchecked,
/// and the check runs when one comes back.
/// </summary>
internal static class OneDnnVerdicts
{
    private const double Tolerance = 1e-4; // relative to the largest |value|; right answers differ by about 1e-6

    private static readonly ConcurrentDictionary<Configuration, bool> Verdicts = new();
    private static readonly ConcurrentDictionary<Configuration, byte> SeenOnce = new();

    /// <summary>True when oneDNN's result for this configuration matched BLAS's; checked when the configuration comes
    /// back, or at once when <paramref name="now"/>.</summary>
    public static bool Trusted(long rows, long inFeatures, long outFeatures, bool bias, bool gradients, bool now)
    {
        var configuration = new Configuration(rows, inFeatures, outFeatures, bias, gradients, get_num_threads());
        if (Verdicts.TryGetValue(configuration, out var trusted))
        {
            return trusted;
        }
        if (!now && SeenOnce.TryAdd(configuration, 0))
        {
            return false;
        }
        return Verdicts.GetOrAdd(configuration, c => Check(c.Rows, c.In, c.Out, c.Bias, c.Gradients));
    }

    private readonly record struct Configuration(long Rows, long In, long Out, bool Bias, bool Gradients, int Threads);

    private static bool Check(long rows, long inFeatures, long outFeatures, bool withBias, bool gradients)
    {
        using var scope = NewDisposeScope();
        using var mode = gradients ? enable_grad() : no_grad();
        var generator = new Generator(20261201);
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
        var expectedGrads = autograd.grad(new[] { expected }, new[] { input, weight }, new[] { outputGrad });
        var actualGrads = autograd.grad(new[] { actual }, new[] { input, weight }, new[] { outputGrad });
        return Close(expectedGrads[0], actualGrads[0]) && Close(expectedGrads[1], actualGrads[1]);
    }

    private static bool Close(Tensor expected, Tensor actual)
    {
        var scale = expected.abs().max().item<float>();
        var error = (expected - actual).abs().max().item<float>();
        return error <= Tolerance * System.Math.Max(scale, 1e-6f);
    }
}
