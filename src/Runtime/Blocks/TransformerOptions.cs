namespace Torchwright.Runtime.Blocks;

/// <summary>How a <see cref="TransformerBlock"/> (and every layer of a <see cref="TransformerStack"/>) is built.</summary>
public sealed record TransformerOptions
{
    /// <summary>Model width.</summary>
    public required long Dim { get; init; }

    /// <summary>Attention heads.</summary>
    public required long Heads { get; init; }

    /// <summary>Key/value heads for grouped-query attention; null means <see cref="Heads"/>.</summary>
    public long? KvHeads { get; init; }

    /// <summary>Head width; null means <c>Dim / Heads</c>.</summary>
    public long? HeadDim { get; init; }

    /// <summary>Causal self-attention.</summary>
    public bool Causal { get; init; }

    /// <summary>Prefix-causal self-attention over a prefix of this length (see <see cref="AttentionOptions.Prefix"/>).</summary>
    public long? Prefix { get; init; }

    /// <summary>Causal sliding window of the self-attention: each position sees itself and the <c>Window − 1</c>
    /// positions before it.</summary>
    public long? Window { get; init; }

    /// <summary>Hidden width of the feed-forward layer; null means <c>4·Dim</c>.</summary>
    public long? MlpHidden { get; init; }

    /// <summary>The feed-forward activation.</summary>
    public Activation Activation { get; init; } = Activation.Gelu;

    /// <summary>Gated feed-forward (gated-GELU, SwiGLU).</summary>
    public bool Gated { get; init; }

    /// <summary>The normalisation before each sublayer.</summary>
    public NormKind Norm { get; init; } = NormKind.LayerNorm;

    /// <summary>Biases in projections and feed-forward layers.</summary>
    public bool Bias { get; init; } = true;

    /// <summary>QK-norm in attention.</summary>
    public bool QkNorm { get; init; }

    /// <summary>Scale scores by 1/√hd; false for T5.</summary>
    public bool Scaled { get; init; } = true;

    /// <summary>softmax1 in attention.</summary>
    public bool Softmax1 { get; init; }

    /// <summary>Rotary positions in self-attention.</summary>
    public bool Rope { get; init; }

    /// <summary>Dropout on attention weights and on each sublayer's output while training.</summary>
    public double Dropout { get; init; }

    /// <summary>Width of a memory to cross-attend to after self-attention; null for none.</summary>
    public long? MemoryDim { get; init; }

    /// <summary>Width of a conditioning vector for adaLN-zero modulation; null for none.</summary>
    public long? ConditionDim { get; init; }

    /// <summary>How projection and feed-forward weights are drawn. Default <see cref="WeightInit.Gpt2"/>; adaLN-zero's modulation starts at zero either way.</summary>
    public WeightInit Init { get; init; }

    internal AttentionOptions SelfAttention => new()
    {
        Dim = Dim, Heads = Heads, KvHeads = KvHeads, HeadDim = HeadDim, Causal = Causal, Prefix = Prefix, Window = Window, Bias = Bias,
        QkNorm = QkNorm, Scaled = Scaled, Softmax1 = Softmax1, Rope = Rope, Dropout = Dropout, Init = Init,
    };

    internal AttentionOptions CrossAttention => new()
    {
        Dim = Dim, Heads = Heads, KvHeads = KvHeads, HeadDim = HeadDim, MemoryDim = MemoryDim, Bias = Bias,
        QkNorm = QkNorm, Scaled = Scaled, Softmax1 = Softmax1, Dropout = Dropout, Init = Init,
    };
}
