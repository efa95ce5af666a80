using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Torchwright.Baselines;

/// <summary>
/// A GPT written by hand the way TorchSharp's own examples write one: stock modules, separate query,
/// key and value layers, attention with an explicit mask and softmax. It shares no code with
/// Torchwright's runtime, so agreement with it is evidence, not tautology.
/// </summary>
public sealed class HandWrittenGpt : Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<HandWrittenBlock> h;
    private readonly LayerNorm ln_f;

    public HandWrittenGpt(long vocab, long context, long dim, long heads, long layers) : base(nameof(HandWrittenGpt))
    {
        wte = Embedding(vocab, dim);
        wpe = Embedding(context, dim);
        h = new ModuleList<HandWrittenBlock>();
        for (var i = 0; i < layers; i++)
        {
            h.Add(new HandWrittenBlock(dim, heads));
        }
        ln_f = LayerNorm(dim);
        RegisterComponents();
    }

    public Embedding TokenEmbedding => wte;

    public Embedding PositionEmbedding => wpe;

    public ModuleList<HandWrittenBlock> Blocks => h;

    public LayerNorm FinalNorm => ln_f;

    public override Tensor forward(Tensor ids)
    {
        var length = ids.shape[1];
        using var positions = arange(length, device: ids.device);
        using var tokens = wte.call(ids);
        using var placed = wpe.call(positions);
        var x = tokens + placed;
        foreach (var block in h)
        {
            var next = block.call(x);
            x.Dispose();
            x = next;
        }
        using (x)
        using (var normed = ln_f.call(x))
        {
            return functional.linear(normed, wte.weight!); // tied output layer
        }
    }
}

/// <summary>One pre-norm layer of <see cref="HandWrittenGpt"/>.</summary>
public sealed class HandWrittenBlock : Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1;
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly LayerNorm ln_2;
    private readonly Linear c_fc;
    private readonly GELU act;
    private readonly Linear c_proj;
    private readonly long heads;

    public HandWrittenBlock(long dim, long heads) : base(nameof(HandWrittenBlock))
    {
        this.heads = heads;
        ln_1 = LayerNorm(dim);
        q_proj = Linear(dim, dim);
        k_proj = Linear(dim, dim);
        v_proj = Linear(dim, dim);
        out_proj = Linear(dim, dim);
        ln_2 = LayerNorm(dim);
        c_fc = Linear(dim, 4 * dim);
        act = GELU();
        c_proj = Linear(4 * dim, dim);
        RegisterComponents();
    }

    public LayerNorm Norm1 => ln_1;
    public Linear Query => q_proj;
    public Linear Key => k_proj;
    public Linear Value => v_proj;
    public Linear Output => out_proj;
    public LayerNorm Norm2 => ln_2;
    public Linear Up => c_fc;
    public Linear Down => c_proj;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], d = x.shape[2], hd = d / heads;
        var n = ln_1.call(x);
        var q = q_proj.call(n).view(b, t, heads, hd).transpose(1, 2);
        var k = k_proj.call(n).view(b, t, heads, hd).transpose(1, 2);
        var v = v_proj.call(n).view(b, t, heads, hd).transpose(1, 2);
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(hd);
        var mask = ones(t, t, device: x.device).tril().eq(0);
        var weights = functional.softmax(scores.masked_fill(mask, double.NegativeInfinity), -1);
        var attended = weights.matmul(v).transpose(1, 2).contiguous().view(b, t, d);
        var hidden = x + out_proj.call(attended);
        var output = hidden + c_proj.call(act.call(c_fc.call(ln_2.call(hidden))));
        return output.MoveToOuterDisposeScope();
    }
}
