namespace Torchwright.Runtime.Blocks;

/// <summary>How an <see cref="Attention"/> layer is built and what its scores go through.</summary>
public sealed record AttentionOptions
{
    /// <summary>Width of the queries' input and of the output.</summary>
    public required long Dim { get; init; }

    /// <summary>Number of query heads.</summary>
    public required long Heads { get; init; }

    /// <summary>Number of key/value heads (grouped-query attention); null means <see cref="Heads"/>.</summary>
    public long? KvHeads { get; init; }

    /// <summary>Width of each head; null means <c>Dim / Heads</c>.</summary>
    public long? HeadDim { get; init; }

    /// <summary>Width of the memory for cross-attention; null makes this a self-attention layer.</summary>
    public long? MemoryDim { get; init; }

    /// <summary>Query t sees keys up to t only.</summary>
    public bool Causal { get; init; }

    /// <summary>Prefix-causal: the first <c>Prefix</c> positions see each other fully and nothing after
    /// them; each later position sees the prefix and the later positions up to itself.</summary>
    public long? Prefix { get; init; }

    /// <summary>Causal sliding window: each query sees itself and the <c>Window − 1</c> positions before it.
    /// Needs <see cref="Causal"/> self-attention without a prefix.</summary>
    public long? Window { get; init; }

    /// <summary>Whether the projections carry biases.</summary>
    public bool Bias { get; init; } = true;

    /// <summary>RMS-normalise queries and keys per head before the product.</summary>
    public bool QkNorm { get; init; }

    /// <summary>Divide scores by √(head width); false is the T5 convention.</summary>
    public bool Scaled { get; init; } = true;

    /// <summary>softmax1: <c>exp(xᵢ) / (1 + Σ exp(xⱼ))</c>, letting a query attend to nothing.</summary>
    public bool Softmax1 { get; init; }

    /// <summary>Rotary position embedding of queries and keys by explicit positions.</summary>
    public bool Rope { get; init; }

    /// <summary>Base of the rotary frequencies.</summary>
    public double RopeTheta { get; init; } = 10_000;

    /// <summary>Largest position id the rotary table covers.</summary>
    public long RopeMaxPositions { get; init; } = 16_384;

    /// <summary>Dropout on the attention weights while training.</summary>
    public double Dropout { get; init; }

    /// <summary>How the projection weights are drawn. Default <see cref="WeightInit.Gpt2"/>.</summary>
    public WeightInit Init { get; init; }

    internal long QueryHeads => Heads;

    internal long KeyHeads => KvHeads ?? Heads;

    internal long HeadWidth => HeadDim ?? Dim / Heads;

    internal bool IsCross => MemoryDim is not null;
}
