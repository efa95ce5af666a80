using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Multi-head attention, self or cross, with every option the seed models need: causal, prefix-causal
/// and block-diagonal masks, key padding, an additive score bias, grouped-query heads, QK-norm, rotary
/// positions by explicit ids, T5's unscaled scores and softmax1.
/// Parameters: self-attention <c>qkv.weight [(H+2·Hkv)·hd, Dim]</c>; cross-attention <c>q.weight [H·hd, Dim]</c>
/// and <c>kv.weight [2·Hkv·hd, MemoryDim]</c>; <c>proj.weight [Dim, H·hd]</c>; biases when asked for;
/// <c>q_norm</c>, <c>k_norm</c> with QK-norm.
/// </summary>
public sealed class Attention : nn.Module, IForwardPathAware
{
    /// <summary>
    /// The score the additive masks give a key a query may not see: large and negative, not −∞, so that a fully masked
    /// row stays finite. Code that builds a score bias for this layer (padded keys, say) should hide keys with it.
    /// </summary>
    public const double HiddenScore = -1e9;

    private readonly AttentionMasks masks = new();
    private readonly Rope? rope;

    /// <summary>The rotary table of this layer, for recorders that apply it in place.</summary>
    internal Rope? Rotary => rope;

    /// <summary>Creates the layer.</summary>
    /// <param name="options">Sizes and behaviour.</param>
    public Attention(AttentionOptions options) : base(nameof(Attention))
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        BlockChecks.Positive("dim", options.Dim);
        BlockChecks.Positive("heads", options.Heads);
        BlockChecks.Positive("kvHeads", options.KeyHeads);
        BlockChecks.Divides("kvHeads", options.KeyHeads, "heads", options.Heads);
        if (options.HeadDim is null)
        {
            BlockChecks.Divides("heads", options.Heads, "dim", options.Dim);
        }
        BlockChecks.Positive("headDim", options.HeadWidth);
        if (options.Window is { } window)
        {
            BlockChecks.Positive("window", window);
            if (!options.Causal || options.Prefix is not null || options.IsCross)
            {
                throw new ArgumentException($"A sliding window of {window} needs causal self-attention without a prefix.", nameof(options));
            }
        }
        long queryWidth = options.QueryHeads * options.HeadWidth, keyWidth = options.KeyHeads * options.HeadWidth;
        if (options.IsCross)
        {
            q = Register("q", new Linear(options.Dim, queryWidth, options.Bias, init: options.Init));
            kv = Register("kv", new Linear(options.MemoryDim!.Value, 2 * keyWidth, options.Bias, init: options.Init));
        }
        else
        {
            qkv = Register("qkv", new Linear(options.Dim, queryWidth + 2 * keyWidth, options.Bias, init: options.Init));
        }
        proj = Register("proj", new Linear(queryWidth, options.Dim, options.Bias, init: options.Init));
        if (options.QkNorm)
        {
            q_norm = Register("q_norm", new RmsNorm(options.HeadWidth));
            k_norm = Register("k_norm", new RmsNorm(options.HeadWidth));
        }
        if (options.Rope)
        {
            rope = new Rope(options.HeadWidth, options.RopeTheta, options.RopeMaxPositions);
        }
    }

    /// <summary>Sizes and behaviour.</summary>
    public AttentionOptions Options { get; }

    /// <inheritdoc/>
    public ForwardPath Path { get; set; }

    /// <summary>Stacked query, key and value projection (self-attention), else null.</summary>
    public Linear? qkv { get; }

    /// <summary>Query projection (cross-attention), else null.</summary>
    public Linear? q { get; }

    /// <summary>Stacked key and value projection of the memory (cross-attention), else null.</summary>
    public Linear? kv { get; }

    /// <summary>Output projection.</summary>
    public Linear proj { get; }

    /// <summary>Per-head query normalisation with QK-norm, else null.</summary>
    public RmsNorm? q_norm { get; }

    /// <summary>Per-head key normalisation with QK-norm, else null.</summary>
    public RmsNorm? k_norm { get; }

    /// <summary>
    /// Attends from <paramref name="x"/> <c>[B,T,Dim]</c> to itself, or to <paramref name="memory"/> <c>[B,S,MemoryDim]</c>.
    /// </summary>
    /// <param name="x">Queries' input, <c>[B,T,Dim]</c>.</param>
    /// <param name="memory">Keys' and values' input for cross-attention, <c>[B,S,MemoryDim]</c>.</param>
    /// <param name="positions">Query positions for rotary embedding, <c>[B,T]</c> or <c>[T]</c>; default 0..T−1.</param>
    /// <param name="keyPositions">Key positions, <c>[B,S]</c> or <c>[S]</c>; default: the query positions in self-attention, 0..S−1 otherwise.</param>
    /// <param name="padding">Key padding, <c>[B,S]</c> bool, true where a key is real.</param>
    /// <param name="bias">Added to the scores, broadcastable to <c>[B,H,T,S]</c> (e.g. a relative position bias or a deletion gate).</param>
    /// <param name="queryGroups">Group id of each query, <c>[B,T]</c>; with <paramref name="keyGroups"/>, a query sees only keys of its group.</param>
    /// <param name="keyGroups">Group id of each key, <c>[B,S]</c>.</param>
    public Tensor forward(Tensor x, Tensor? memory = null, Tensor? positions = null, Tensor? keyPositions = null,
        Tensor? padding = null, Tensor? bias = null, Tensor? queryGroups = null, Tensor? keyGroups = null)
    {
        if (Options.IsCross != memory is not null)
        {
            throw new ArgumentException(Options.IsCross
                ? "This is a cross-attention layer: pass the memory to attend to."
                : "This is a self-attention layer: it takes no memory.", nameof(memory));
        }
        if (queryGroups is null != keyGroups is null)
        {
            throw new ArgumentException("Block-diagonal attention needs both queryGroups and keyGroups.", nameof(keyGroups));
        }
        AttentionInputs.Check(Options, x, memory, positions, keyPositions, padding, bias, queryGroups, keyGroups);
        long batch = x.shape[0], length = x.shape[1], keyLength = memory?.shape[1] ?? length;

        var (query, key, value) = Path == ForwardPath.Fused ? ProjectFused(x, memory, batch, length, keyLength) : ProjectSeparately(x, memory, batch, length, keyLength);
        using (query)
        using (key)
        using (value)
        {
            using var normedQuery = q_norm is null ? query.alias() : q_norm.forward(query);
            using var normedKey = k_norm is null ? key.alias() : k_norm.forward(key);
            using var rotatedQuery = rope is null ? normedQuery.alias() : rope.Apply(normedQuery, positions);
            using var rotatedKey = rope is null ? normedKey.alias() : rope.Apply(normedKey, keyPositions ?? (Options.IsCross ? null : positions));
            // QK-norm computes in fp32; the product runs in the values' precision, as under autocast.
            using var typedQuery = rotatedQuery.dtype == value.dtype ? rotatedQuery.alias() : rotatedQuery.to(value.dtype);
            using var typedKey = rotatedKey.dtype == value.dtype ? rotatedKey.alias() : rotatedKey.to(value.dtype);
            var plainCausal = Options.Causal && Options.Prefix is null && Options.Window is null && padding is null && queryGroups is null
                && bias is null && length == keyLength;
            var noDropout = !(training && Options.Dropout > 0);
            using var keyLists = Path == ForwardPath.Fused ? GroupedKeysAttention.Table(Options, x, keyLength, padding, bias, queryGroups, keyGroups) : null;
            if (keyLists is not null)
            {
                using var gathered = GroupedKeysAttention.Run(Options, typedQuery, typedKey, value, keyLists, training);
                return Merge(gathered, batch, length);
            }
            var causalBlocks = Path == ForwardPath.Fused && noDropout && AttentionKernels.PrefersCausalBlocks(Options, typedQuery, typedKey, value, plainCausal);
            var explicitScores = Path == ForwardPath.Fused && !causalBlocks && AttentionKernels.PrefersExplicit(typedQuery, typedKey, value);
            var chunked = causalBlocks || (Path == ForwardPath.Fused && !explicitScores && noDropout
                && AttentionKernels.PrefersChunked(Options, typedQuery, typedKey, value, plainCausal));
            var plan = masks.Plan(Options, length, keyLength, x.device, padding, queryGroups, keyGroups,
                explicitScores || chunked ? value.dtype : null);
            using var attended = Path != ForwardPath.Fused ? AttentionKernels.Reference(Options, typedQuery, typedKey, value, plan, bias, training)
                : explicitScores ? AttentionKernels.Explicit(Options, typedQuery, typedKey, value, plan, bias, training)
                : chunked ? AttentionKernels.Chunked(Options, typedQuery, typedKey, value, plan, bias, plainCausal)
                : AttentionKernels.Fused(Options, typedQuery, typedKey, value, plan, bias, training);
            plan.Dispose();
            return Merge(attended, batch, length);
        }
    }

    // [B, H, T, hd] → [B, T, H·hd], then the output projection.
    private Tensor Merge(Tensor attended, long batch, long length)
    {
        using var merged = attended.transpose(1, 2).reshape(batch, length, Options.QueryHeads * Options.HeadWidth);
        return proj.forward(merged);
    }

    // One GEMM for all projections; q, k and v are views of its output.
    private (Tensor, Tensor, Tensor) ProjectFused(Tensor x, Tensor? memory, long batch, long length, long keyLength)
    {
        long h = Options.QueryHeads, hkv = Options.KeyHeads, hd = Options.HeadWidth;
        if (memory is null)
        {
            using var packed = qkv!.forward(x);
            if (h == hkv)
            {
                // unbind, not split[i]: indexing makes backward build a full-size zero gradient per part.
                using var tripleHeads = packed.view(batch, length, 3, h, hd).permute(2, 0, 3, 1, 4);
                var split = tripleHeads.unbind(0);
                return (split[0], split[1], split[2]);
            }
            var parts = packed.split(new[] { h * hd, hkv * hd, hkv * hd }, -1);
            return (Heads(parts[0], batch, length, h), Heads(parts[1], batch, length, hkv), Heads(parts[2], batch, length, hkv));
        }
        var queries = q!.forward(x); // Heads takes ownership
        using var keysAndValues = kv!.forward(memory);
        using var pairHeads = keysAndValues.view(batch, keyLength, 2, hkv, hd).permute(2, 0, 3, 1, 4);
        var pair = pairHeads.unbind(0);
        return (Heads(queries, batch, length, h), pair[0], pair[1]);
    }

    // Each projection on its own, from its slice of the stacked weight: the textbook layout.
    private (Tensor, Tensor, Tensor) ProjectSeparately(Tensor x, Tensor? memory, long batch, long length, long keyLength)
    {
        long h = Options.QueryHeads, hkv = Options.KeyHeads, hd = Options.HeadWidth;
        if (memory is null)
        {
            return (
                Heads(Slice(qkv!, x, 0, h * hd), batch, length, h),
                Heads(Slice(qkv!, x, h * hd, hkv * hd), batch, length, hkv),
                Heads(Slice(qkv!, x, (h + hkv) * hd, hkv * hd), batch, length, hkv));
        }
        return (
            Heads(Slice(q!, x, 0, h * hd), batch, length, h),
            Heads(Slice(kv!, memory, 0, hkv * hd), batch, keyLength, hkv),
            Heads(Slice(kv!, memory, hkv * hd, hkv * hd), batch, keyLength, hkv));
    }

    private static Tensor Slice(Linear layer, Tensor input, long start, long width)
    {
        using var weight = layer.weight.narrow(0, start, width);
        using var transposed = weight.t();
        var product = input.matmul(transposed);
        if (layer.bias is null)
        {
            return product;
        }
        using (product)
        using (var bias = layer.bias.narrow(0, start, width))
        {
            return product + bias;
        }
    }

    // [B, T, heads·hd] → [B, heads, T, hd]
    private Tensor Heads(Tensor flat, long batch, long length, long heads)
    {
        using var _ = flat;
        return flat.view(batch, length, heads, Options.HeadWidth).transpose(1, 2);
    }

    private T Register<T>(string name, T module) where T : nn.Module
    {
        register_module(name, module);
        return module;
    }

    /// <summary>Empty on purpose: layers are registered explicitly under their PyTorch names.</summary>
    protected override void RegisterComponents()
    {
    }
}
