using System;

namespace Torchwright;

// Every size below is a dimension expression over the configuration's members, e.g. "Dim*4".

/// <summary>A lookup table of <paramref name="count"/> vectors of width <paramref name="dim"/>:
/// <c>[..] ids -> [.., dim]</c>.</summary>
/// <param name="count">Number of rows (the vocabulary size).</param>
/// <param name="dim">Width of each vector.</param>
public sealed class EmbeddingAttribute(string count, string dim) : LayerAttribute
{
    /// <summary>Number of rows.</summary>
    public string Count { get; } = count;
    /// <summary>Width of each vector.</summary>
    public string Dim { get; } = dim;
}

/// <summary>Learned absolute positions added to the input: <c>[B,T,dim] -> [B,T,dim]</c>,
/// with <c>T &lt;= maxLength</c>.</summary>
/// <param name="maxLength">Longest sequence the table covers.</param>
/// <param name="dim">Width of each position vector.</param>
public sealed class LearnedPositionsAttribute(string maxLength, string dim) : LayerAttribute
{
    /// <summary>Longest sequence the table covers.</summary>
    public string MaxLength { get; } = maxLength;
    /// <summary>Width of each position vector.</summary>
    public string Dim { get; } = dim;
    /// <summary>
    /// Standard deviation of the normal initialisation. Default 0.01. Raise it where a position must stand out from
    /// the content it is added to from the first step (a grid of noised patches that attention has to tell apart).
    /// </summary>
    public double Std { get; set; } = 0.01;
}

/// <summary>An affine map <c>[.., inFeatures] -> [.., outFeatures]</c>.</summary>
/// <param name="inFeatures">Input width.</param>
/// <param name="outFeatures">Output width.</param>
public sealed class LinearAttribute(string inFeatures, string outFeatures) : LayerAttribute
{
    /// <summary>Input width.</summary>
    public string InFeatures { get; } = inFeatures;
    /// <summary>Output width.</summary>
    public string OutFeatures { get; } = outFeatures;
    /// <summary>Whether the layer adds a learned bias. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>
    /// The method name of an <see cref="EmbeddingAttribute"/> layer whose weight this layer shares
    /// (weight tying). The shared weight is stored once, under the embedding's name.
    /// </summary>
    public string? TiedTo { get; set; }
    /// <summary>How the weight is drawn. Default <see cref="WeightInit.Gpt2"/>; ignored when tied.</summary>
    public WeightInit Init { get; set; }
}

/// <summary>Layer normalisation over the last dimension.</summary>
/// <param name="dim">Width of the normalised dimension.</param>
public sealed class LayerNormAttribute(string dim) : LayerAttribute
{
    /// <summary>Width of the normalised dimension.</summary>
    public string Dim { get; } = dim;
    /// <summary>Whether the layer has a learned scale and shift. Default true.</summary>
    public bool Affine { get; set; } = true;
    /// <summary>Added to the variance for stability. Default 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;
}

/// <summary>Root-mean-square normalisation over the last dimension (T5 style: no mean subtraction,
/// no bias).</summary>
/// <param name="dim">Width of the normalised dimension.</param>
public sealed class RmsNormAttribute(string dim) : LayerAttribute
{
    /// <summary>Width of the normalised dimension.</summary>
    public string Dim { get; } = dim;
    /// <summary>Added to the mean square for stability. Default 1e-6.</summary>
    public double Eps { get; set; } = 1e-6;
}

/// <summary>
/// Options shared by the attention layers. Sizes are dimension expressions; flags left unset keep the
/// runtime's defaults (scaled scores, biases on, everything else off).
/// </summary>
public abstract class AttentionLayerAttribute(string dim, string heads) : LayerAttribute
{
    /// <summary>Model width.</summary>
    public string Dim { get; } = dim;
    /// <summary>Number of query heads.</summary>
    public string Heads { get; } = heads;
    /// <summary>Key/value heads for grouped-query attention; must divide <see cref="Heads"/>.</summary>
    public string? KvHeads { get; set; }
    /// <summary>Width of each head; default <c>Dim/Heads</c>.</summary>
    public string? HeadDim { get; set; }
    /// <summary>Whether query t sees keys up to t only.</summary>
    public bool Causal { get; set; }
    /// <summary>Prefix-causal attention: the first <c>Prefix</c> positions see each other only; later ones see the prefix and, causally, each other.</summary>
    public string? Prefix { get; set; }
    /// <summary>Causal sliding window: each query sees itself and the <c>Window − 1</c> positions before it. Needs <see cref="Causal"/>.</summary>
    public string? Window { get; set; }
    /// <summary>Whether projections carry biases. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>RMS-normalise queries and keys per head.</summary>
    public bool QkNorm { get; set; }
    /// <summary>Divide scores by √(head width). Default true; false is the T5 convention.</summary>
    public bool Scaled { get; set; } = true;
    /// <summary>softmax1 instead of softmax: a query may attend to nothing.</summary>
    public bool Softmax1 { get; set; }
    /// <summary>Rotary position embedding by explicit positions (an input named <c>positions</c>, and <c>keyPositions</c> for cross-attention).</summary>
    public bool Rope { get; set; }
    /// <summary>Base of the rotary frequencies. Default 10000.</summary>
    public double RopeTheta { get; set; } = 10_000;
    /// <summary>Dropout on the attention weights while training.</summary>
    public double Dropout { get; set; }
    /// <summary>How the projection weights are drawn. Default <see cref="WeightInit.Gpt2"/>.</summary>
    public WeightInit Init { get; set; }
}

/// <summary>
/// Multi-head self-attention with one GEMM for queries, keys and values: <c>[B,T,dim] → [B,T,dim]</c>.
/// Optional inputs, bound by parameter name: <c>positions</c>, <c>padding</c> (<c>[B,T]</c> bool, true where real),
/// <c>bias</c> (added to the scores), <c>queryGroups</c> and <c>keyGroups</c> (block-diagonal attention).
/// </summary>
/// <param name="dim">Model width.</param>
/// <param name="heads">Number of heads.</param>
public sealed class AttentionAttribute(string dim, string heads) : AttentionLayerAttribute(dim, heads)
{
}

/// <summary>
/// Multi-head cross-attention from <c>[B,T,dim]</c> to a memory <c>[B,S,memoryDim]</c> (an input named <c>memory</c>),
/// with one GEMM for keys and values. Optional inputs: <c>positions</c>, <c>keyPositions</c>, <c>padding</c> (of the memory),
/// <c>bias</c>, <c>queryGroups</c>, <c>keyGroups</c>.
/// </summary>
/// <param name="dim">Width of the queries' input and of the output.</param>
/// <param name="heads">Number of heads.</param>
/// <param name="memoryDim">Width of the memory.</param>
public sealed class CrossAttentionAttribute(string dim, string heads, string memoryDim) : AttentionLayerAttribute(dim, heads)
{
    /// <summary>Width of the memory.</summary>
    public string MemoryDim { get; } = memoryDim;
}

/// <summary>
/// T5's relative position bias: a learned scalar per head and distance bucket, <c>[B|1, heads, T, S]</c>, from
/// query positions and (optionally, an input named <c>keyPositions</c>) key positions. Computed once and passed to
/// every layer's <c>bias</c>; passing original positions keeps distances right after tokens are removed.
/// Parameter: <c>weight [buckets, heads]</c>.
/// </summary>
/// <param name="heads">Number of attention heads.</param>
public sealed class RelativePositionBiasAttribute(string heads) : LayerAttribute
{
    /// <summary>Number of attention heads.</summary>
    public string Heads { get; } = heads;
    /// <summary>Number of distance buckets. Default 32.</summary>
    public string Buckets { get; set; } = "32";
    /// <summary>Distance beyond which all distances share a bucket. Default 128.</summary>
    public string MaxDistance { get; set; } = "128";
    /// <summary>Whether keys before and after a query get different buckets (encoder); false for a causal decoder.</summary>
    public bool Bidirectional { get; set; } = true;
}

/// <summary>A learned tensor of a fixed shape, e.g. register tokens or a start vector; the layer method takes no input.</summary>
/// <param name="shape">Comma-separated dimension expressions, e.g. <c>"Registers,Dim"</c>.</param>
public sealed class LearnedAttribute(string shape) : LayerAttribute
{
    /// <summary>The tensor's shape.</summary>
    public string Shape { get; } = shape;
    /// <summary>Standard deviation of the normal initialisation; 0 initialises to zeros. Default 0.02.</summary>
    public double Std { get; set; } = 0.02;
}

/// <summary>Dropout while training; the identity in evaluation.</summary>
/// <param name="probability">Probability of zeroing each value.</param>
public sealed class DropoutAttribute(double probability) : LayerAttribute
{
    /// <summary>Probability of zeroing each value.</summary>
    public double Probability { get; } = probability;
}

/// <summary>Activation of a feed-forward layer.</summary>
public enum Activation
{
    /// <summary>GELU with the exact error function.</summary>
    Gelu,
    /// <summary>GELU with the tanh approximation.</summary>
    GeluTanh,
    /// <summary>Rectified linear unit.</summary>
    Relu,
    /// <summary>SiLU (swish), <c>x·σ(x)</c>; gated, this is SwiGLU.</summary>
    Silu,
}

/// <summary>The normalisation a transformer layer uses.</summary>
public enum NormKind
{
    /// <summary>Layer normalisation (mean and variance, learned scale and shift).</summary>
    LayerNorm,
    /// <summary>Root-mean-square normalisation (no mean, learned scale only), as in T5 and Llama.</summary>
    RmsNorm,
}

/// <summary>How a layer draws its weights when it is built (biases always start at zero).</summary>
public enum WeightInit
{
    /// <summary>
    /// N(0, 0.02²), as in GPT-2; a transformer stack also scales its residual output projections by 1/√(2·depth).
    /// </summary>
    Gpt2,
    /// <summary>
    /// N(0, 1/fan-in): each product keeps the scale of its input at any width. Use it where freshly built maps
    /// follow one another with no residual path around them (a projection that only cross-attention reads):
    /// at 0.02 each, a chain of three narrow maps passes a few thousandths of its input at the start. A transformer
    /// stack still scales its residual output projections by 1/√(2·depth).
    /// </summary>
    FanIn,
}

/// <summary>Two-layer feed-forward network <c>[.., dim] -> [.., hidden] -> [.., dim]</c>.</summary>
/// <param name="dim">Input and output width.</param>
/// <param name="hidden">Hidden width.</param>
public sealed class MlpAttribute(string dim, string hidden) : LayerAttribute
{
    /// <summary>Input and output width.</summary>
    public string Dim { get; } = dim;
    /// <summary>Hidden width.</summary>
    public string Hidden { get; } = hidden;
    /// <summary>The activation between the two layers. Default <see cref="Activation.Gelu"/>.</summary>
    public Activation Activation { get; set; } = Activation.Gelu;
    /// <summary>Whether the layers carry a bias. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>Gate the activation with a second projection (gated-GELU, SwiGLU), computed by the same GEMM.</summary>
    public bool Gated { get; set; }
    /// <summary>How the weights are drawn. Default <see cref="WeightInit.Gpt2"/>.</summary>
    public WeightInit Init { get; set; }
}

/// <summary>
/// Options of the transformer layers. Flags left unset keep the runtime's defaults (LayerNorm, GELU,
/// biases, scaled scores). Optional inputs, bound by parameter name: <c>memory</c> (with <see cref="MemoryDim"/>),
/// <c>positions</c>, <c>padding</c>, <c>bias</c>, <c>memoryPadding</c>, <c>memoryBias</c>, <c>condition</c> (with <see cref="ConditionDim"/>).
/// </summary>
public abstract class TransformerLayerAttribute(string dim, string heads) : LayerAttribute
{
    /// <summary>Model width.</summary>
    public string Dim { get; } = dim;
    /// <summary>Number of attention heads.</summary>
    public string Heads { get; } = heads;
    /// <summary>Key/value heads for grouped-query attention.</summary>
    public string? KvHeads { get; set; }
    /// <summary>Width of each head; default <c>Dim/Heads</c>.</summary>
    public string? HeadDim { get; set; }
    /// <summary>Whether self-attention is causal.</summary>
    public bool Causal { get; set; }
    /// <summary>Prefix-causal self-attention over a prefix of this length.</summary>
    public string? Prefix { get; set; }
    /// <summary>Causal sliding window of the self-attention: each position sees itself and the <c>Window − 1</c> positions before it. Needs <see cref="Causal"/>.</summary>
    public string? Window { get; set; }
    /// <summary>Hidden width of the feed-forward layer. Default <c>4*Dim</c>.</summary>
    public string? MlpHidden { get; set; }
    /// <summary>The feed-forward activation. Default GELU.</summary>
    public Activation Activation { get; set; }
    /// <summary>Gated feed-forward (gated-GELU, SwiGLU).</summary>
    public bool Gated { get; set; }
    /// <summary>The normalisation. Default LayerNorm.</summary>
    public NormKind Norm { get; set; }
    /// <summary>Biases in projections and feed-forward layers. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>QK-norm in attention.</summary>
    public bool QkNorm { get; set; }
    /// <summary>Scale scores by 1/√(head width). Default true.</summary>
    public bool Scaled { get; set; } = true;
    /// <summary>softmax1 in attention.</summary>
    public bool Softmax1 { get; set; }
    /// <summary>Rotary positions in self-attention.</summary>
    public bool Rope { get; set; }
    /// <summary>Dropout on attention weights and sublayer outputs while training.</summary>
    public double Dropout { get; set; }
    /// <summary>Width of a memory to cross-attend to after self-attention (an input named <c>memory</c>).</summary>
    public string? MemoryDim { get; set; }
    /// <summary>Width of a conditioning vector for adaLN-zero modulation (an input named <c>condition</c>).</summary>
    public string? ConditionDim { get; set; }
    /// <summary>How projection and feed-forward weights are drawn. Default <see cref="WeightInit.Gpt2"/>; adaLN-zero's modulation still starts at zero.</summary>
    public WeightInit Init { get; set; }
}

/// <summary>A pre-norm transformer layer: <c>x + attn(norm(x))</c>, optionally cross-attention, then <c>x + mlp(norm(x))</c>.</summary>
/// <param name="dim">Model width.</param>
/// <param name="heads">Number of attention heads.</param>
public sealed class TransformerBlockAttribute(string dim, string heads) : TransformerLayerAttribute(dim, heads)
{
}

/// <summary>A stack of <paramref name="depth"/> pre-norm transformer layers, stored as <c>name.0</c>, <c>name.1</c>, ….</summary>
/// <param name="depth">Number of layers.</param>
/// <param name="dim">Model width.</param>
/// <param name="heads">Number of attention heads.</param>
public sealed class TransformerStackAttribute(string depth, string dim, string heads) : TransformerLayerAttribute(dim, heads)
{
    /// <summary>Number of layers.</summary>
    public string Depth { get; } = depth;
}

/// <summary>
/// Uses a user-defined <see cref="BlockAttribute"/> class as a layer. The arguments are dimension
/// expressions passed, in order, to the block's configuration constructor. A block cannot use itself,
/// directly or through other blocks.
/// </summary>
/// <param name="blockType">The block class.</param>
/// <param name="configArguments">Expressions for the block configuration's constructor parameters.</param>
public sealed class UseAttribute(Type blockType, params string[] configArguments) : LayerAttribute
{
    /// <summary>The block class.</summary>
    public Type BlockType { get; } = blockType;
    /// <summary>Expressions for the block configuration's constructor parameters.</summary>
    public string[] ConfigArguments { get; } = configArguments;
}
