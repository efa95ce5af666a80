using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>
/// The products of one forward of the byte GPT and nothing else, in fp32 and in bf16, timed in alternating rounds:
/// the ceiling any implementation with these product kernels can reach. The linear layers are the generated model's
/// own (<see cref="Linear"/> modules, so the same routes and cached bf16 weight copies as its eager forward); the
/// attention products are causal query blocks of up to 256 queries against the keys up to the block's last query, on
/// oneDNN's matmul, each block one batched product over all batch rows and heads (the eager kernel multiplies a batch
/// row at a time, capture plans whole batches: neither calls fewer). No norm, softmax, activation, residual, mask or
/// copy runs. Where the products alone take longer than a target leaves for the whole forward, no
/// arrangement of the other work meets it.
/// </summary>
public static class ProductCeiling
{
    private const long CausalQueryBlock = 256;

    /// <summary>Median milliseconds of the forward's products alone, per size, fp32 and bf16.</summary>
    /// <param name="sizes">The sizes whose forward is measured.</param>
    /// <param name="quick">Fewer rounds.</param>
    public static IReadOnlyList<ProductTimes> Measure(IEnumerable<BenchSize> sizes, bool quick)
    {
        var result = new List<ProductTimes>();
        foreach (var size in sizes)
        {
            using var fp32 = new ForwardProducts(size, Precision.Float32);
            using var bf16 = new ForwardProducts(size, Precision.BFloat16Mixed);
            var rounds = size == BenchSize.Large ? (quick ? 3 : 7) : (quick ? 7 : 15);
            var calls = size == BenchSize.Large ? 1 : Math.Max(1, (int)Math.Ceiling(25 / Math.Max(TimeOnce(fp32.Run), 0.01)));
            var (fp32Ms, bf16Ms) = AlternatingMedians(fp32.Run, bf16.Run, rounds, calls);
            var times = new ProductTimes(size.Name, fp32Ms, bf16Ms, rounds, calls);
            Console.WriteLine($"products alone, {size.Name} forward: fp32 {fp32Ms:F2} ms, bf16 {bf16Ms:F2} ms ({fp32Ms / bf16Ms:F2}x; {rounds} rounds of {calls} calls)");
            result.Add(times);
        }
        return result;
    }

    private static double TimeOnce(Action work)
    {
        work();
        var start = Stopwatch.GetTimestamp();
        work();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    // Medians of each side's per-call time over rounds that alternate which side goes first.
    private static (double First, double Second) AlternatingMedians(Action first, Action second, int rounds, int calls)
    {
        first();
        second();
        var (a, b) = (new double[rounds], new double[rounds]);
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                a[round] = Time(first, calls);
                b[round] = Time(second, calls);
            }
            else
            {
                b[round] = Time(second, calls);
                a[round] = Time(first, calls);
            }
        }
        return (Median(a), Median(b));
    }

    private static double Time(Action work, int calls)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            work();
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
    }

    private static double Median(double[] values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>One size's forward products at one precision, with seeded inputs of the widths each product takes.</summary>
    private sealed class ForwardProducts : IDisposable
    {
        private readonly ByteGpt model;
        private readonly IReadOnlyList<Linear> linears;
        private readonly Dictionary<long, Tensor> inputsByWidth;
        private readonly Tensor queries;
        private readonly Tensor keys;
        private readonly Tensor values;
        private readonly IDisposable weightCopies;

        public ForwardProducts(BenchSize size, Precision precision)
        {
            model = BenchModel.Generated(size);
            linears = model.modules().OfType<Linear>().ToList();
            var expected = 4 * size.Layers + 1;
            if (linears.Count != expected)
            {
                throw new InvalidOperationException($"the byte GPT has {linears.Count} linear layers; the ceiling expects {expected} (4 per layer and the head)");
            }
            model.Precision = precision;
            model.eval();
            // bf16 weight copies made once and kept, as the model's inference session keeps them (same thread).
            weightCopies = CastCaches.Begin(model);
            var type = precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.BFloat16;
            using var generator = new Generator(11UL + (ulong)size.Dim);
            Tensor Random(params long[] shape) => randn(shape, generator: generator).to(type);
            inputsByWidth = linears.Select(l => l.InFeatures).Distinct().ToDictionary(width => width, width => Random(size.Batch, size.Length, width));
            var headWidth = size.Dim / size.Heads;
            // Every batch row's heads in one batched product per query block (at most what the kernels make of the
            // same products): queries already scaled, keys and values contiguous, [B·H, T, hd].
            queries = Random(size.Batch * size.Heads, size.Length, headWidth);
            keys = Random(size.Batch * size.Heads, size.Length, headWidth);
            values = Random(size.Batch * size.Heads, size.Length, headWidth);
        }

        public void Run()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var linear in linears)
            {
                using var output = linear.forward(inputsByWidth[linear.InFeatures]);
                if (linear.OutFeatures == 3 * linear.InFeatures)
                {
                    AttentionProducts(); // after the QKV projection
                }
            }
        }

        private void AttentionProducts()
        {
            var length = queries.shape[1];
            for (long start = 0; start < length; start += CausalQueryBlock)
            {
                var rows = Math.Min(CausalQueryBlock, length - start);
                var span = start + rows;
                using var scores = OneDnnMatmul.Multiply(queries.narrow(1, start, rows), keys.narrow(1, 0, span).transpose(1, 2));
                using var attended = OneDnnMatmul.Multiply(scores, values.narrow(1, 0, span));
            }
        }

        public void Dispose()
        {
            foreach (var input in inputsByWidth.Values)
            {
                input.Dispose();
            }
            queries.Dispose();
            keys.Dispose();
            values.Dispose();
            weightCopies.Dispose();
            model.Dispose();
        }
    }
}

/// <summary>Median milliseconds of one size's forward products alone (<see cref="ProductCeiling"/>).</summary>
public sealed record ProductTimes(string Size, double Fp32Ms, double Bf16Ms, int Rounds, int CallsPerRound);
