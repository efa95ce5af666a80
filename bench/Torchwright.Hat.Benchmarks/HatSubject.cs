using System;
using System.Linq;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Generation;
using static TorchSharp.torch;

namespace Torchwright.Hat.Benchmarks;

/// <summary>HAT: every step splits its bytes into words again (the splitter is part of the cost).</summary>
public sealed class HatSubject : BenchSubject
{
    private readonly HatModel model = new(BenchSizes.Hat);
    private readonly string kind;
    private readonly byte[][] rows;
    private readonly Tensor targets;
    private readonly optim.Optimizer? optimizer;

    public HatSubject(string kind)
    {
        this.kind = kind;
        rows = Rows(BenchSizes.Context);
        targets = Targets(rows, BenchSizes.Context);
        if (kind == "train")
        {
            model.train();
            optimizer = optim.AdamW(model.parameters(), lr: 1e-4);
        }
        else if (kind is "infer" or "generate")
        {
            model.eval();
        }
        else
        {
            throw new ArgumentException($"Unknown case '{kind}'.", nameof(kind));
        }
    }

    public override void Step()
    {
        using var scope = NewDisposeScope();
        switch (kind)
        {
            case "train":
            {
                using var inputs = HatInputs.FromRows(rows.Select(r => r[..BenchSizes.Context]).ToArray(), model.Config.MaxWordBytes);
                var loss = nn.functional.cross_entropy(inputs.LogitsOf(model).view(-1, 256), targets.view(-1));
                loss.backward();
                optimizer!.step();
                optimizer.zero_grad();
                CheckFinite(loss, "HAT training");
                break;
            }
            case "infer":
            {
                using var _ = no_grad();
                using var inputs = HatInputs.FromRows(rows.Select(r => r[..BenchSizes.Context]).ToArray(), model.Config.MaxWordBytes);
                CheckFinite(nn.functional.cross_entropy(inputs.LogitsOf(model).view(-1, 256), targets.view(-1)), "HAT inference");
                break;
            }
            default:
            {
                var generation = new HatGenerator(model).Generate(rows[0].AsSpan(0, BenchSizes.PromptBytes), BenchSizes.GeneratedBytes, Sampling.Greedy, stopAtEndOfText: false);
                if (generation.Generated.Length != BenchSizes.GeneratedBytes)
                {
                    throw new InvalidOperationException($"HAT generated {generation.Generated.Length} bytes instead of {BenchSizes.GeneratedBytes}.");
                }
                break;
            }
        }
    }

    public override void Dispose()
    {
        optimizer?.Dispose();
        targets.Dispose();
        model.Dispose();
    }
}
