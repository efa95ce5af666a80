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
