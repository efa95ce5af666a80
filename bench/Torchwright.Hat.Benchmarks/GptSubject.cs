using System;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Caching;
using Torchwright.Runtime.Generation;
using static TorchSharp.torch;

namespace Torchwright.Hat.Benchmarks;

/// <summary>
/// The byte-level GPT baseline. Its generation uses the same general key/value cache as HAT
/// (<see cref="CachedTransformer"/> over its transformer stack), so both generate with caches.
/// </summary>
public sealed class GptSubject : BenchSubject
{
    private readonly ByteGpt model = new(BenchSizes.Gpt);
    private readonly string kind;
    private readonly Tensor inputs;
    private readonly Tensor targets;
    private readonly byte[] prompt;
    private readonly optim.Optimizer? optimizer;

    public GptSubject(string kind)
    {
        this.kind = kind;
        var rows = Rows(BenchSizes.Context);
        prompt = rows[0][..BenchSizes.PromptBytes];
        var values = new long[rows.Length * BenchSizes.Context];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int i = 0; i < BenchSizes.Context; i++)
            {
                values[r * BenchSizes.Context + i] = rows[r][i];
            }
        }
        inputs = tensor(values, new long[] { rows.Length, BenchSizes.Context });
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
                var loss = nn.functional.cross_entropy(model.forward(inputs).view(-1, 256), targets.view(-1));
                loss.backward();
                optimizer!.step();
                optimizer.zero_grad();
                CheckFinite(loss, "GPT training");
                break;
            }
            case "infer":
            {
                using var _ = no_grad();
                CheckFinite(nn.functional.cross_entropy(model.forward(inputs).view(-1, 256), targets.view(-1)), "GPT inference");
                break;
            }
            default:
                Generate();
                break;
        }
    }

    public override void Dispose()
    {
        optimizer?.Dispose();
        inputs.Dispose();
        targets.Dispose();
        model.Dispose();
    }

    // Prefill the prompt, then one cached position per new byte: embedding + learned position, the stack's cached step, norm, head.
    private void Generate()
    {
        using var _ = no_grad();
        var embed = RegisteredModules.Get<Embedding>(model, "embed");
        var positions = RegisteredModules.Get<LearnedPositions>(model, "positions");
        var stack = RegisteredModules.Get<TransformerStack>(model, "blocks");
        var norm = RegisteredModules.Get<LayerNorm>(model, "norm");
        var head = RegisteredModules.Get<Linear>(model, "head");
        using var cache = new TransformerCache(stack.Layers.Count);
        var ids = new long[prompt.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = prompt[i];
        }
        Tensor Run(long[] bytes, long start)
        {
            var x = embed.forward(tensor(bytes, new long[] { 1, bytes.Length })) + positions.weight.narrow(0, start, bytes.Length);
            return head.forward(norm.forward(CachedTransformer.Step(stack, x, cache)))[0, -1];
        }
        var logits = Run(ids, 0);
        for (int i = 0; i < BenchSizes.GeneratedBytes; i++)
        {
            var next = Sampling.Greedy(logits);
            logits = Run(new[] { next }, prompt.Length + i);
        }
    }
}
