using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Torchwright.Baselines;

/// <summary>
/// A GPT made of TorchSharp's built-in native layers: embedding and positions, pre-norm layers around
/// <see cref="BuiltInLayer"/>, a final LayerNorm and an output layer tied to the embedding.
/// </summary>
/// <remarks>
/// TorchSharp's <c>nn.TransformerEncoderLayer</c> wraps libtorch's C++ layer, which is post-norm only
/// (no <c>norm_first</c>), so it cannot compute a pre-norm GPT. Each layer here is therefore assembled from
/// the same native parts that layer contains (<c>nn.MultiheadAttention</c>, <c>nn.Linear</c>, <c>nn.LayerNorm</c>,
/// GELU), under the same parameter names, in pre-norm order, with the causal mask passed as <c>attn_mask</c>.
/// </remarks>
public sealed class BuiltInGpt : Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<BuiltInLayer> layers;
    private readonly LayerNorm ln_f;
    private Tensor? mask;

    public BuiltInGpt(long vocab, long context, long dim, long heads, long layerCount) : base(nameof(BuiltInGpt))
    {
        wte = Embedding(vocab, dim);
        wpe = Embedding(context, dim);
        layers = new ModuleList<BuiltInLayer>();
        for (var i = 0; i < layerCount; i++)
        {
            layers.Add(new BuiltInLayer(dim, heads));
        }
        ln_f = LayerNorm(dim);
        RegisterComponents();
    }

    public Embedding TokenEmbedding => wte;

    public Embedding PositionEmbedding => wpe;

    public ModuleList<BuiltInLayer> Layers => layers;

    public LayerNorm FinalNorm => ln_f;

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        long length = ids.shape[1];
        var tokens = wte.call(ids) + wpe.weight!.narrow(0, 0, length);
        // The native attention takes [T, B, D]; transpose once for the whole stack.
        var x = tokens.transpose(0, 1).contiguous();
        var causal = CausalMask(length, ids.device);
        foreach (var layer in layers)
        {
            x = layer.call(x, causal);
        }
        var logits = functional.linear(ln_f.call(x.transpose(0, 1)), wte.weight!); // tied output layer
        return logits.MoveToOuterDisposeScope();
    }

    // Additive mask, −∞ above the diagonal; built once per length (and dtype, when the model is cast).
    private Tensor CausalMask(long length, Device device)
    {
        var dtype = wte.weight!.dtype;
        if (mask is null || mask.shape[0] != length || mask.device != device || mask.dtype != dtype)
        {
            mask?.Dispose();
            using var full = torch.full(length, length, double.NegativeInfinity, dtype: dtype, device: device);
            mask = full.triu(1).DetachFromDisposeScope();
        }
        return mask;
    }
}

/// <summary>
/// One pre-norm layer of <see cref="BuiltInGpt"/>: <c>h = x + self_attn(norm1(x))</c>, <c>out = h + linear2(gelu(linear1(norm2(h))))</c>,
/// on <c>[T, B, D]</c>, with the parameter names of TorchSharp's <c>TransformerEncoderLayer</c>.
/// </summary>
public sealed class BuiltInLayer : Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly MultiheadAttention self_attn;
    private readonly LayerNorm norm2;
    private readonly Linear linear1;
    private readonly Linear linear2;

    public BuiltInLayer(long dim, long heads) : base(nameof(BuiltInLayer))
    {
        norm1 = LayerNorm(dim);
        self_attn = MultiheadAttention(dim, heads, dropout: 0.0);
        norm2 = LayerNorm(dim);
        linear1 = Linear(dim, 4 * dim);
        linear2 = Linear(4 * dim, dim);
        RegisterComponents();
    }

    public LayerNorm Norm1 => norm1;
    public MultiheadAttention Attention => self_attn;
    public LayerNorm Norm2 => norm2;
    public Linear Up => linear1;
    public Linear Down => linear2;

    public override Tensor forward(Tensor x, Tensor causalMask)
    {
        using var scope = NewDisposeScope();
        var n = norm1.call(x);
        var (attended, weights) = self_attn.call(n, n, n, key_padding_mask: null, need_weights: false, attn_mask: causalMask);
        weights.Dispose(); // not computed (need_weights: false)
        var hidden = x + attended;
        var output = hidden + linear2.call(functional.gelu(linear1.call(norm2.call(hidden))));
        return output.MoveToOuterDisposeScope();
    }
}
