using System;
using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>A contender built at one size with its inputs (and optimiser), ready to run one invocation.</summary>
public sealed class BenchModel : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> module;
    private readonly Tensor ids;
    private readonly Tensor targets;
    private readonly IDisposable? optimizer;
    private readonly Action? optimizerStep;
    private readonly BenchMode mode;
    private readonly Func<nn.Module<Tensor, Tensor>, IDisposable>? inferenceScope;
    private IDisposable? inference;

    private BenchModel(nn.Module<Tensor, Tensor> module, Tensor ids, Tensor targets, BenchMode mode, Func<nn.Module<Tensor, Tensor>, IDisposable>? inferenceScope,
        bool frameworkOptimizer)
    {
        this.module = module;
        this.inferenceScope = inferenceScope;
        this.ids = ids;
        this.targets = targets;
        this.mode = mode;
        if (mode == BenchMode.TrainStep)
        {
            module.train();
            if (frameworkOptimizer)
            {
                var flat = new FlatAdamW(module.parameters().Where(p => p.requires_grad)) { LearningRate = 1e-4 };
                (optimizer, optimizerStep) = (flat, () => { flat.Step(); flat.ZeroGrad(); });
            }
            else
            {
                var adamW = optim.AdamW(module.parameters(), lr: 1e-4);
                (optimizer, optimizerStep) = (adamW, () => { adamW.step(); adamW.zero_grad(); });
            }
        }
        else
        {
            module.eval();
        }
    }

    public static BenchModel Create(MeasuredRun run)
    {
        var source = Generated(run.Size);
        var module = run.Contender.Build(source);
        if (!ReferenceEquals(module, source))
        {
            source.Dispose();
        }
        var (ids, targets) = Inputs(run.Size);
        return new BenchModel(module, ids, targets, run.Mode, run.Contender.InferenceScope, run.Contender.FrameworkOptimizer);
    }

    /// <summary>The generated model every contender of a size starts from: same seed, same weights.</summary>
    public static ByteGpt Generated(BenchSize size)
    {
        manual_seed(1000 + size.Dim + size.Layers);
        return new ByteGpt(size.Config);
    }

    /// <summary>Seeded input bytes and next-byte targets, <c>[B, T]</c>.</summary>
    public static (Tensor Ids, Tensor Targets) Inputs(BenchSize size)
    {
        using var generator = new Generator(7UL + (ulong)size.Length);
        var ids = randint(0, BenchSize.Vocab, new long[] { size.Batch, size.Length }, dtype: ScalarType.Int64, generator: generator);
        var targets = randint(0, BenchSize.Vocab, new long[] { size.Batch, size.Length }, dtype: ScalarType.Int64, generator: generator);
        return (ids, targets);
    }

    /// <summary>
    /// Runs the model until the C allocator has settled: <paramref name="steps"/> invocations, or fewer when they take
    /// longer than <paramref name="budget"/> together. Freed memory is kept for reuse (the benchmarks run so), but the
    /// heap still grows to a model's working set over its first tens of steps, one page fault at a time, and the longer
    /// the process has run other models the longer that takes: the generated medium training step took 158, 138, then
    /// 117–125 ms per ten steps over its first hundred in a fresh process (page faults 1,300 → 120 per step), and needed
    /// about seventy after three other models had run, where BenchmarkDotNet's warm-up ends after about ten. A training
    /// run lasts thousands of steps, so every contender is timed after this, alike.
    /// </summary>
    /// <param name="steps">Invocations to run at most.</param>
    /// <param name="budget">Time to spend at most (the large training step takes seconds).</param>
    public void Settle(int steps, TimeSpan budget)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < steps && watch.Elapsed < budget; i++)
        {
            Step();
        }
    }

    /// <summary>On how many threads the generated model's capture plans replay (one entry per plan, <c>eager</c> when
    /// its shape runs without one), or null for a contender that replays no plan: recorded so that a slow block can be
    /// told from a plan that chose one thread (see docs/capture.md, "Replay threads").</summary>
    public string? ReplayThreads => inference is not null && module is ByteGpt model && model.InferencePlans.IsOpen
        ? model.InferencePlans.PlanCount == 0 ? "eager" : string.Join("/", model.InferencePlans.PlanThreading)
        : null;

    /// <summary>One measured invocation.</summary>
    public void Step()
    {
        if (mode == BenchMode.Forward)
        {
            // Opened on the measuring thread: the generated weight-cast cache is per thread.
            inference ??= inferenceScope?.Invoke(module) ?? NoScope.Instance;
            using var _ = no_grad();
            using var logits = module.call(ids);
        }
        else
        {
            using var scope = NewDisposeScope();
            var logits = module.call(ids);
            var loss = nn.functional.cross_entropy(logits.view(-1, BenchSize.Vocab), targets.view(-1));
            loss.backward();
            optimizerStep!();
        }
    }

    public void Dispose()
    {
        inference?.Dispose();
        optimizer?.Dispose();
        module.Dispose();
        ids.Dispose();
        targets.Dispose();
    }
}

/// <summary>Stands in when a contender needs no inference scope.</summary>
internal sealed class NoScope : IDisposable
{
    public static readonly NoScope Instance = new();

    public void Dispose()
    {
    }
}
