using System;
using System.Collections.Generic;
using System.Diagnostics;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>
/// What the machine's matmul reaches: GFLOP/s of large products, best of several shapes and repeats. Square
/// products as the issue states them; in fp32 also both kernels libtorch offers, BLAS (<c>mm</c>) and oneDNN (the
/// product the framework's <see cref="Linear"/> runs through it), on the square sizes and on the large model's own
/// products, where oneDNN runs fastest. The roofline is the best of all: a case's share of it must not be flattered
/// by measuring the roofline with a slower kernel or a shape that kernel likes less.
/// </summary>
public static class Roofline
{
    public static readonly int[] Sizes = { 1024, 2048 };

    // [rows, in] · [in, out] of the large GPT (B·T = 8192, D = 512): the QKV projection and the MLP's two products.
    private static readonly (int Rows, int In, int Out)[] ModelProducts = { (8192, 512, 1536), (8192, 512, 2048), (8192, 2048, 512) };

    /// <summary>Best GFLOP/s per shape and kernel for <paramref name="dtype"/>, keyed "1024 mm", "1024 oneDNN",
    /// "8192x512→1536 oneDNN".</summary>
    public static IReadOnlyDictionary<string, double> Measure(ScalarType dtype, int repeats)
    {
        var result = new Dictionary<string, double>();
        using var _ = no_grad();
        foreach (var n in Sizes)
        {
            using var a = randn(n, n).to(dtype);
            using var b = randn(n, n).to(dtype);
            result[$"{n} mm"] = Gflops(n, n, n, repeats, () => a.mm(b));
            if (dtype == ScalarType.Float32)
            {
                result[$"{n} oneDNN"] = OneDnnGflops(n, n, n, repeats);
            }
        }
        if (dtype == ScalarType.Float32)
        {
            foreach (var (rows, inFeatures, outFeatures) in ModelProducts)
            {
                using var x = randn(rows, inFeatures);
                using var w = randn(outFeatures, inFeatures);
                result[$"{rows}x{inFeatures}→{outFeatures} mm"] = Gflops(rows, inFeatures, outFeatures, repeats, () => nn.functional.linear(x, w));
                result[$"{rows}x{inFeatures}→{outFeatures} oneDNN"] = OneDnnGflops(rows, inFeatures, outFeatures, repeats);
            }
        }
        return result;
    }

    private static double OneDnnGflops(int rows, int inFeatures, int outFeatures, int repeats)
    {
        using var x = randn(rows, inFeatures);
        using var layer = new Linear(inFeatures, outFeatures, bias: false);
        using var kernel = LinearKernelChoice.Use(LinearKernel.OneDnn);
        return Gflops(rows, inFeatures, outFeatures, repeats, () => layer.forward(x));
    }

    private static double Gflops(int rows, int inFeatures, int outFeatures, int repeats, Func<Tensor> product)
    {
        product().Dispose(); // the first call picks and primes the kernel
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            using var c = product();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return 2.0 * rows * inFeatures * outFeatures / best / 1e9;
    }
}
