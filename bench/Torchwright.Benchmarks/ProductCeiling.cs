using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Bench;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>
/// The products of one forward of the byte GPT and nothing else, in fp32 and in bf16, timed in the same rotating
/// rounds as the generated model's fp32 and bf16 mixed forwards (inside their inference sessions): what the products
/// alone cost, and so what is left of each forward for everything else. The linear layers are the generated model's own
/// (<see cref="Linear"/> modules: the same routes and cached bf16 weight copies as its eager forward); attention's
/// products are causal query blocks of up to 256 queries against the keys up to the block's last query, on oneDNN's
/// matmul, each block one batched product over every batch row and head (the eager kernel takes a batch row at a
/// time, capture plans whole batches). No norm, softmax, activation, residual, mask or copy runs.
/// </summary>
public static class ProductCeiling
{
    private const long CausalQueryBlock = 256;

    /// <summary>Times the cases' sizes: each case compares the bf16 mixed forward with the fp32 one.</summary>
    /// <param name="cases">bf16-versus-fp32 forward cases with a target ratio.</param>
    /// <param name="quick">Fewer rounds.</param>
    public static IReadOnlyList<ProductTimes> Measure(IEnumerable<BenchCase> cases, bool quick)
    {
        var result = new List<ProductTimes>();
        foreach (var c in cases)
        {
            var size = c.Size;
            using var fp32Forward = BenchModel.Create(new MeasuredRun(Contender.GeneratedFp32, size, BenchMode.Forward));
            using var bf16Forward = BenchModel.Create(new MeasuredRun(Contender.GeneratedBf16Mixed, size, BenchMode.Forward));
            fp32Forward.Settle(ModelBenchmarks.SettleSteps, ModelBenchmarks.SettleBudget);
            bf16Forward.Settle(ModelBenchmarks.SettleSteps, ModelBenchmarks.SettleBudget);
            using var fp32Products = new ForwardProducts(size, Precision.Float32);
            using var bf16Products = new ForwardProducts(size, Precision.BFloat16Mixed);
            // Every side takes over ten milliseconds at these sizes: one call a turn.
            var rounds = size == BenchSize.Large ? (quick ? 3 : 7) : (quick ? 7 : 15);
            var ms = PairedTiming.MedianTimes(new Action[] { fp32Forward.Step, bf16Forward.Step, fp32Products.Run, bf16Products.Run }, rounds, calls: 1);
            var times = new ProductTimes(size, c.TargetRatio ?? throw new ArgumentException($"case '{c.Name}' has no target ratio", nameof(cases)),
                ms[0], ms[1], ms[2], ms[3], rounds);
            Console.WriteLine($"products alone, {size.Name} forward: fp32 {times.Fp32ProductsMs:F2} of {times.Fp32ForwardMs:F2} ms, " +
                $"bf16 {times.Bf16ProductsMs:F2} of {times.Bf16ForwardMs:F2} ms ({rounds} rotating rounds)");
            result.Add(times);
        }
        return result;
    }

    /// <summary>One size's forward products at one precision, with seeded inputs of the widths each product takes.</summary>
    private sealed class ForwardProducts : IDisposable
    {
        private readonly ByteGpt model;
        private readonly IReadOnlyList<Linear> linears;
        private readonly HashSet<Linear> queryKeyValue;
        private readonly IDisposable weightCopies;
        private readonly Dictionary<long, Tensor> inputsByWidth;
        private readonly Tensor queries;
        private readonly Tensor keys;
        private readonly Tensor values;

        public ForwardProducts(BenchSize size, Precision precision)
        {
            model = BenchModel.Generated(size);
            model.Precision = precision;
            model.eval();
            linears = model.modules().OfType<Linear>().ToList();
            queryKeyValue = model.modules().OfType<Attention>().Select(a => a.qkv).OfType<Linear>().ToHashSet();
            var type = precision == Precision.Float32 ? ScalarType.Float32 : ScalarType.BFloat16;
            using (var scope = NewDisposeScope())
            {
                using var generator = new Generator(11UL + (ulong)size.Dim);
                Tensor Random(params long[] shape) => randn(shape, generator: generator).to(type).DetachFromDisposeScope();
                inputsByWidth = linears.Select(l => l.InFeatures).Distinct().ToDictionary(width => width, width => Random(size.Batch, size.Length, width));
                // Queries already scaled, keys and values contiguous, [B·H, T, hd].
                var headWidth = size.Dim / size.Heads;
                queries = Random(size.Batch * size.Heads, size.Length, headWidth);
                keys = Random(size.Batch * size.Heads, size.Length, headWidth);
                values = Random(size.Batch * size.Heads, size.Length, headWidth);
            }
            // bf16 weight copies made once and kept, as the inference session keeps them (a scope of this thread).
            weightCopies = model.CacheCastWeights();
        }

        public void Run()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var linear in linears)
            {
                using var output = linear.forward(inputsByWidth[linear.InFeatures]);
                if (queryKeyValue.Contains(linear))
                {
                    AttentionProducts();
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
            weightCopies.Dispose();
            foreach (var input in inputsByWidth.Values)
            {
                input.Dispose();
            }
            queries.Dispose();
            keys.Dispose();
            values.Dispose();
            model.Dispose();
        }
    }
}

/// <summary>Median milliseconds, from the same rotating rounds, of one size's fp32 and bf16 mixed forwards and of
/// their products alone (<see cref="ProductCeiling"/>), and the bf16 forward's target ratio over the fp32 one.</summary>
public sealed record ProductTimes(BenchSize Size, double TargetRatio, double Fp32ForwardMs, double Bf16ForwardMs,
    double Fp32ProductsMs, double Bf16ProductsMs, int Rounds);
