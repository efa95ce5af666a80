using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Multi-head self-attention, <c>[B, T, dim] → [B, T, dim]</c>. Parameters: <c>qkv.weight [3·dim, dim]</c>
/// (queries, keys and values stacked, so one GEMM makes all three) and <c>proj.weight [dim, dim]</c>,
/// with biases when asked for.
/// </summary>
public sealed class SelfAttention : Block
{
    private readonly CausalMaskCache causalMasks = new();

    /// <summary>Creates the layer.</summary>
    /// <param name="dim">Model width.</param>
    /// <param name="heads">Number of heads; must divide <paramref name="dim"/>.</param>
    /// <param name="causal">Whether position t sees only positions up to t.</param>
    /// <param name="bias">Whether the projections carry biases.</param>
    public SelfAttention(long dim, long heads, bool causal = false, bool bias = true) : base(nameof(SelfAttention))
    {
        BlockChecks.Positive(nameof(dim), dim);
        BlockChecks.Positive(nameof(heads), heads);
        BlockChecks.Divides(nameof(heads), heads, nameof(dim), dim);
        Dim = dim;
        Heads = heads;
        Causal = causal;
        qkv = AddChild(nameof(qkv), new Linear(dim, 3 * dim, bias));
        proj = AddChild(nameof(proj), new Linear(dim, dim, bias));
    }

    /// <summary>The stacked query, key and value projection.</summary>
    public Linear qkv { get; }

    /// <summary>The output projection.</summary>
    public Linear proj { get; }

    /// <summary>Model width.</summary>
    public long Dim { get; }

    /// <summary>Number of heads.</summary>
    public long Heads { get; }

    /// <summary>Whether attention is causal.</summary>
    public bool Causal { get; }

    private long HeadDim => Dim / Heads;

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        long batch = input.shape[0], length = input.shape[1];
        using var packed = qkv.forward(input);
        // [B, T, 3, H, hd] → [3, B, H, T, hd]: q, k and v become views, no copies.
        using var split = packed.view(batch, length, 3, Heads, HeadDim).permute(2, 0, 3, 1, 4);
        using var q = split[0];
        using var k = split[1];
        using var v = split[2];
        using var attended = nn.functional.scaled_dot_product_attention(q, k, v, null, 0.0, Causal);
        using var merged = attended.transpose(1, 2).reshape(batch, length, Dim);
        return proj.forward(merged);
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        long batch = input.shape[0], length = input.shape[1];
        using var q = Project(input, 0, batch, length);
        using var k = Project(input, 1, batch, length);
        using var v = Project(input, 2, batch, length);
        using var keysT = k.transpose(-2, -1);
        using var raw = q.matmul(keysT);
        using var scores = raw / Math.Sqrt(HeadDim);
        using var masked = Causal ? scores.masked_fill(causalMasks.Get(length, input.device), double.NegativeInfinity) : scores.alias();
        using var weights = masked.softmax(-1);
        using var attended = weights.matmul(v);
        using var merged = attended.transpose(1, 2).reshape(batch, length, Dim);
        return proj.forward(merged);
    }

    // One of q, k, v on its own, from its slice of the stacked weight: [B, H, T, hd].
    private Tensor Project(Tensor input, int which, long batch, long length)
    {
        using var weight = qkv.weight.narrow(0, which * Dim, Dim);
        using var projected = input.matmul(weight.t());
        using var biased = qkv.bias is null ? projected.alias() : projected + qkv.bias.narrow(0, which * Dim, Dim);
        return biased.view(batch, length, Heads, HeadDim).transpose(1, 2);
    }
}
