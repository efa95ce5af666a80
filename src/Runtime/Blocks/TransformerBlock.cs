using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// A pre-norm transformer layer: <c>h = x + attn(norm1(x))</c>, optionally <c>h = h + cross_attn(cross_norm(h), memory)</c>,
/// then <c>out = h + mlp(norm2(h))</c>. With a conditioning vector, adaLN-zero: each norm's output is
/// scaled and shifted, and each sublayer's output gated, by values projected from the condition
/// (<c>ada</c>, zero-initialised so the layer starts as the identity).
/// </summary>
public sealed class TransformerBlock : nn.Module, IForwardPathAware
{
    private readonly int modulations;

    /// <summary>Creates the layer.</summary>
    /// <param name="options">Sizes and behaviour.</param>
    public TransformerBlock(TransformerOptions options) : base(nameof(TransformerBlock))
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        var affine = options.ConditionDim is null;
        norm1 = Add("norm1", Norms.Create(options.Norm, options.Dim, affine));
        attn = Add("attn", new Attention(options.SelfAttention));
        if (options.MemoryDim is not null)
        {
            cross_norm = Add("cross_norm", Norms.Create(options.Norm, options.Dim, affine));
            cross_attn = Add("cross_attn", new Attention(options.CrossAttention));
        }
        norm2 = Add("norm2", Norms.Create(options.Norm, options.Dim, affine));
        mlp = Add("mlp", new Mlp(options.Dim, options.MlpHidden ?? 4 * options.Dim, options.Activation, options.Bias, options.Gated, options.Init));
        if (options.ConditionDim is { } conditionDim)
        {
            modulations = cross_attn is null ? 6 : 9;
            ada = Add("ada", new Linear(conditionDim, modulations * options.Dim));
            using (no_grad())
            {
                ada.weight.zero_();
            }
        }
    }

    /// <summary>Sizes and behaviour.</summary>
    public TransformerOptions Options { get; }

    /// <inheritdoc/>
    public ForwardPath Path { get; set; }

    /// <summary>Normalisation before self-attention.</summary>
    public Block norm1 { get; }

    /// <summary>Self-attention.</summary>
    public Attention attn { get; }

    /// <summary>Normalisation before cross-attention, or null.</summary>
    public Block? cross_norm { get; }

    /// <summary>Cross-attention to the memory, or null.</summary>
    public Attention? cross_attn { get; }

    /// <summary>Normalisation before the feed-forward layer.</summary>
    public Block norm2 { get; }

    /// <summary>The feed-forward layer.</summary>
    public Mlp mlp { get; }

    /// <summary>adaLN-zero modulation from the condition, or null.</summary>
    public Linear? ada { get; }

    /// <summary>Runs the layer.</summary>
    /// <param name="x">Input, <c>[B,T,Dim]</c>.</param>
    /// <param name="memory">Memory for cross-attention, <c>[B,S,MemoryDim]</c>.</param>
    /// <param name="positions">Positions for rotary embedding, <c>[B,T]</c> or <c>[T]</c>.</param>
    /// <param name="padding">Key padding of <paramref name="x"/>, <c>[B,T]</c> bool, true where real.</param>
    /// <param name="bias">Additive self-attention score bias, broadcastable to <c>[B,H,T,T]</c>.</param>
    /// <param name="memoryPadding">Key padding of the memory, <c>[B,S]</c>.</param>
    /// <param name="memoryBias">Additive cross-attention score bias, broadcastable to <c>[B,H,T,S]</c>.</param>
    /// <param name="condition">Conditioning vector for adaLN-zero, <c>[B,ConditionDim]</c>.</param>
    public Tensor forward(Tensor x, Tensor? memory = null, Tensor? positions = null, Tensor? padding = null, Tensor? bias = null,
        Tensor? memoryPadding = null, Tensor? memoryBias = null, Tensor? condition = null)
    {
        if (ada is not null != condition is not null)
        {
            throw new ArgumentException(ada is null ? "This layer takes no condition." : "This layer is conditioned (adaLN-zero): pass the condition.", nameof(condition));
        }
        using var scope = NewDisposeScope();
        var parts = condition is null ? null : Modulation(condition);
        var hidden = Sublayer(x, norm1, parts, 0, normed => attn.forward(normed, positions: positions, padding: padding, bias: bias));
        if (cross_attn is not null)
        {
            hidden = Sublayer(hidden, cross_norm!, parts, 6, normed => cross_attn.forward(normed, memory, padding: memoryPadding, bias: memoryBias));
        }
        var output = Sublayer(hidden, norm2, parts, 3, normed => mlp.forward(normed));
        return output.MoveToOuterDisposeScope();
    }

    // [B, k·Dim] → k tensors of [B, 1, Dim]: shift, scale, gate per sublayer.
    private Tensor[] Modulation(Tensor condition)
    {
        using var activated = nn.functional.silu(condition);
        using var projected = ada!.forward(activated);
        return projected.unsqueeze(1).chunk(modulations, -1);
    }

    private Tensor Sublayer(Tensor input, Block norm, Tensor[]? parts, int first, Func<Tensor, Tensor> sublayer)
    {
        var normed = norm.forward(input);
        if (parts is not null)
        {
            normed = normed * (1 + parts[first + 1]) + parts[first];
        }
        var output = sublayer(normed);
        if (parts is not null)
        {
            output = output * parts[first + 2];
        }
        output = nn.functional.dropout(output, Options.Dropout, training);
        // The residual goes in place into the sublayer's fresh output, which no backward needs; a
        // lower-precision output is widened by the add instead, keeping the residual stream in fp32.
        return Path == ForwardPath.Fused && output.dtype == input.dtype ? output.add_(input) : input + output;
    }

    private T Add<T>(string name, T module) where T : nn.Module
    {
        register_module(name, module);
        return module;
    }

    /// <summary>Empty on purpose: sublayers are registered explicitly under their PyTorch names.</summary>
    protected override void RegisterComponents()
    {
    }
}
