using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// A pre-norm transformer layer: <c>h = x + attn(norm1(x))</c>, <c>out = h + mlp(norm2(h))</c>.
/// Parameters: <c>norm1.*</c>, <c>attn.qkv.*</c>, <c>attn.proj.*</c>, <c>norm2.*</c>, <c>mlp.fc1.*</c>, <c>mlp.fc2.*</c>.
/// </summary>
public sealed class TransformerBlock : Block
{
    /// <summary>Creates the layer.</summary>
    /// <param name="dim">Model width.</param>
    /// <param name="heads">Number of attention heads.</param>
    /// <param name="causal">Whether attention is causal.</param>
    /// <param name="mlpHidden">Hidden width of the feed-forward layer; 4·dim when null.</param>
    public TransformerBlock(long dim, long heads, bool causal = false, long? mlpHidden = null) : base(nameof(TransformerBlock))
    {
        norm1 = AddChild(nameof(norm1), new LayerNorm(dim));
        attn = AddChild(nameof(attn), new SelfAttention(dim, heads, causal));
        norm2 = AddChild(nameof(norm2), new LayerNorm(dim));
        mlp = AddChild(nameof(mlp), new Mlp(dim, mlpHidden ?? 4 * dim));
    }

    /// <summary>Normalisation before attention.</summary>
    public LayerNorm norm1 { get; }

    /// <summary>Self-attention.</summary>
    public SelfAttention attn { get; }

    /// <summary>Normalisation before the feed-forward layer.</summary>
    public LayerNorm norm2 { get; }

    /// <summary>The feed-forward layer.</summary>
    public Mlp mlp { get; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        // The residual adds go in place into the sublayer outputs: fresh tensors that no backward needs.
        Tensor hidden;
        using (var normed = norm1.forward(input))
        {
            hidden = attn.forward(normed).add_(input);
        }
        using (hidden)
        using (var normed = norm2.forward(hidden))
        {
            return mlp.forward(normed).add_(hidden);
        }
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        using var attended = attn.forward(norm1.forward(input));
        using var hidden = input + attended;
        using var transformed = mlp.forward(norm2.forward(hidden));
        return hidden + transformed;
    }
}
