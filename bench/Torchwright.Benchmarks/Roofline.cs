using System.Collections.Generic;
using System.Diagnostics;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>What the machine's matmul reaches: GFLOP/s of large square products, best of several sizes and repeats.</summary>
public static class Roofline
{
    public static readonly int[] Sizes = { 1024, 2048 };

    /// <summary>Best GFLOP/s per matrix size for <paramref name="dtype"/>.</summary>
    public static IReadOnlyDictionary<int, double> Measure(ScalarType dtype, int repeats)
    {
        var result = new Dictionary<int, double>();
        using var _ = no_grad();
        foreach (var n in Sizes)
        {
            using var a = randn(n, n).to(dtype);
            using var b = randn(n, n).to(dtype);
            a.mm(b).Dispose(); // the first call picks and primes the kernel
            var best = double.MaxValue;
            for (var i = 0; i < repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                using var c = a.mm(b);
                best = System.Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            result[n] = 2.0 * n * n * n / best / 1e9;
        }
        return result;
    }
}
