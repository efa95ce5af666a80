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

/// <summary>Multi-head self-attention with one projection for queries, keys and values:
/// <c>[B,T,dim] -> [B,T,dim]</c>.</summary>
/// <param name="dim">Model width.</param>
/// <param name="heads">Number of heads; must divide <paramref name="dim"/>.</param>
public sealed class AttentionAttribute(string dim, string heads) : LayerAttribute
{
    /// <summary>Model width.</summary>
    public string Dim { get; } = dim;
    /// <summary>Number of heads.</summary>
    public string Heads { get; } = heads;
    /// <summary>Whether position t attends only to positions &lt;= t. Default false.</summary>
    public bool Causal { get; set; }
    /// <summary>Whether the projections carry a bias. Default true.</summary>
    public bool Bias { get; set; } = true;
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
}

/// <summary>A pre-norm transformer layer: <c>x + attn(norm(x))</c>, then <c>x + mlp(norm(x))</c>.</summary>
/// <param name="dim">Model width.</param>
/// <param name="heads">Number of attention heads.</param>
public sealed class TransformerBlockAttribute(string dim, string heads) : LayerAttribute
{
    /// <summary>Model width.</summary>
    public string Dim { get; } = dim;
    /// <summary>Number of attention heads.</summary>
    public string Heads { get; } = heads;
    /// <summary>Whether attention is causal. Default false.</summary>
    public bool Causal { get; set; }
    /// <summary>Hidden width of the feed-forward layer. Default <c>4*dim</c>.</summary>
    public string? MlpHidden { get; set; }
}

/// <summary>A stack of <paramref name="depth"/> pre-norm transformer layers, stored as
/// <c>name.0</c>, <c>name.1</c>, ….</summary>
/// <param name="depth">Number of layers.</param>
/// <param name="dim">Model width.</param>
/// <param name="heads">Number of attention heads.</param>
public sealed class TransformerStackAttribute(string depth, string dim, string heads) : LayerAttribute
{
    /// <summary>Number of layers.</summary>
    public string Depth { get; } = depth;
    /// <summary>Model width.</summary>
    public string Dim { get; } = dim;
    /// <summary>Number of attention heads.</summary>
    public string Heads { get; } = heads;
    /// <summary>Whether attention is causal. Default false.</summary>
    public bool Causal { get; set; }
    /// <summary>Hidden width of the feed-forward layers. Default <c>4*dim</c>.</summary>
    public string? MlpHidden { get; set; }
}

/// <summary>
/// Uses a user-defined <see cref="BlockAttribute"/> class as a layer. The arguments are dimension
/// expressions passed, in order, to the block's configuration constructor.
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
