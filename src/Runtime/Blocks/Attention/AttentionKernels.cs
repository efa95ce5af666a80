using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// The score-to-output part of attention, on <c>[B,H,T,hd]</c> queries and <c>[B,Hkv,S,hd]</c> keys and values.
/// Masked scores get a large negative number rather than −∞, and a query that can see no key at all
/// (padding, an empty group) gets a zero output and no gradient: it attends to nothing.
/// </summary>
internal static class AttentionKernels
{
    private const double Hidden = Attention.HiddenScore;

    /// <summary>
    /// <c>scaled_dot_product_attention</c> for every option: unscaled scores by pre-scaling the queries,
    /// softmax1 by one extra key and value of zeros (a zero score contributes the "1" of the denominator).
    /// </summary>
    public static Tensor Fused(AttentionOptions options, Tensor query, Tensor key, Tensor value, MaskPlan plan, Tensor? bias, bool training)
    {
        using var scope = NewDisposeScope();
        (key, value) = ShareHeads(options, key, value);
        if (!options.Scaled)
        {
            query = query * Math.Sqrt(options.HeadWidth);
        }
        var allowed = plan.Allowed;
        var causalFlag = plan.CausalOnly;
        if (options.Window is { } window && !plan.OwnsAllowed && bias is null && !options.Softmax1 && query.shape[2] > window)
        {
            return SlidingWindow(query, key, value, allowed!, window, training ? options.Dropout : 0.0).MoveToOuterDisposeScope();
        }
        if (options.Softmax1)
        {
            var shape = key.shape;
            var zeroKey = zeros(shape[0], shape[1], 1, shape[3], key.dtype, key.device);
            key = cat(new[] { key, zeroKey }, 2);
            value = cat(new[] { value, zeroKey }, 2);
            if (causalFlag)
            {
                allowed = ones(query.shape[2], shape[2], ScalarType.Bool, query.device).tril();
                causalFlag = false;
            }
            if (allowed is not null)
            {
                allowed = nn.functional.pad(allowed, new long[] { 0, 1 }, value: 1);
            }
            if (bias is not null)
            {
                bias = nn.functional.pad(bias.expand(BroadcastShape(bias, query.shape[2], shape[2])), new long[] { 0, 1 });
            }
        }
        var mask = AdditiveMask(allowed, bias, query.dtype);
        var result = nn.functional.scaled_dot_product_attention(query, key, value, mask, training ? options.Dropout : 0.0, causalFlag);
        return SilenceBlindQueries(result, plan).MoveToOuterDisposeScope();
    }

    // A causal window of W over T > W positions in two kernels: the first W queries see only earlier keys, which is
    // plain causal attention (the fast kernel); each later query i sees keys i−W+1..i, all among keys 1..T−1, under
    // the window's mask. Cheaper than one masked kernel over all T×T scores. Without gradients the masked part runs as
    // explicit scores on oneDNN where they pay and fit: HAT's byte layers (B=2, H=4, T=1024, W=768, head width 32),
    // the whole window 1.05–1.15x faster than with the flash kernel's masked tail (paired rounds, scratch, 2026-12-02).
    private static Tensor SlidingWindow(Tensor query, Tensor key, Tensor value, Tensor allowed, long window, double dropout)
    {
        var length = query.shape[2];
        var head = nn.functional.scaled_dot_product_attention(
            query.narrow(2, 0, window), key.narrow(2, 0, window), value.narrow(2, 0, window), null, dropout, true);
        var tailMask = AdditiveMask(allowed.narrow(0, window, length - window).narrow(1, 1, length - 1), null, query.dtype);
        var (tailQuery, tailKey, tailValue) = (query.narrow(2, window, length - window), key.narrow(2, 1, length - 1), value.narrow(2, 1, length - 1));
        long pairs = query.shape[0] * query.shape[1], rows = length - window, headWidth = query.shape[3];
        Tensor tail;
        // Not when scaled_dot_product_attention was asked for by name: that choice promises never to hold the scores.
        if (AttentionKernelChoice.Current is AttentionKernel.Automatic or AttentionKernel.GroupedKeys
            && dropout == 0 && FitExplicit(pairs * rows * (length - 1), recordsGradient: false) && ExplicitOnOneDnn(tailQuery, tailKey, tailValue))
        {
            var scores = OneDnnProduct(tailQuery * (1.0 / Math.Sqrt(headWidth)), tailKey, transposeRight: true);
            scores.add_(tailMask!);
            tail = OneDnnProduct(scores.softmax(-1), tailValue, transposeRight: false);
        }
        else
        {
            tail = nn.functional.scaled_dot_product_attention(tailQuery, tailKey, tailValue, tailMask, dropout, false);
        }
        return cat(new[] { head, tail }, 2);
    }

    // Scores held explicitly cost B·H·T·S values; from this many bytes they would be fresh pages on every call under
    // glibc's default policy (its mmap threshold tops out at 32 MB, and a request of that size is mapped), and the flash
    // kernel, which never holds them, wins.
    private const long ExplicitScoresLimitBytes = 32L << 20;

    // Whether scores fit the explicit kernel. Without gradients, below the limit: at exactly 32 MB (B=2, H=4, T=1024, the
    // HAT benchmark's byte GPT) causal query blocks on oneDNN ran 1.3x faster than explicit scores on MKL (paired rounds,
    // scratch, 2026-12-02). With gradients up to it inclusive: there the alternative's CPU backward is slow.
    private static bool FitExplicit(long scores, bool recordsGradient) =>
        recordsGradient ? scores * sizeof(float) <= ExplicitScoresLimitBytes : scores * sizeof(float) < ExplicitScoresLimitBytes;

    // Below this many scores a low-precision forward runs faster in the flash kernel (bf16, B=1, H=4, T=64: 77 µs against 83 µs).
    private const long SmallLowPrecisionScores = 1L << 18;

    /// <summary>
    /// Whether to run <see cref="Explicit"/> rather than <see cref="Fused"/>: as <see cref="AttentionKernelChoice"/> says,
    /// or where explicit scores are faster and fit. Measured on the 2-core AVX-512 BF16
    /// machine the benchmarks run on (paired rounds, causal, head width 64): with gradients recorded, explicit scores
    /// ran 1.4–1.7x faster in fp32 and 5–16x in bf16, because <c>scaled_dot_product_attention</c>'s CPU backward is
    /// slow; without gradients 1.4–1.75x (fp32) and 2.1–2.5x (bf16, medium and up), but 0.5x on tiny bf16 problems.
    /// </summary>
    public static bool PrefersExplicit(Tensor query, Tensor key, Tensor value)
    {
        switch (AttentionKernelChoice.Current)
        {
            case AttentionKernel.ExplicitScores: return true;
            case AttentionKernel.ScaledDotProduct or AttentionKernel.ChunkedScores: return false;
        }
        var scores = query.shape[0] * query.shape[1] * query.shape[2] * key.shape[2];
        if (!FitExplicit(scores, RecordsGradient(query, key, value)))
        {
            return false;
        }
        return RecordsGradient(query, key, value) || query.dtype == ScalarType.Float32 || scores >= SmallLowPrecisionScores;
    }

    /// <summary>
    /// The fast explicit kernel: queries times keys (one batched GEMM), scaled (the queries or the scores, whichever
    /// are fewer), masked in place, softmax (in fp32 for low-precision inputs that record gradients, as autocast does),
    /// weighted sum. Its backward is GEMMs and one softmax backward.
    /// </summary>
    public static Tensor Explicit(AttentionOptions options, Tensor query, Tensor key, Tensor value, MaskPlan plan, Tensor? bias, bool training)
    {
        using var scope = NewDisposeScope();
        (key, value) = ShareHeads(options, key, value);
        var scaleQueries = ScalesQueries(options, key);
        if (scaleQueries)
        {
            query = query * (1.0 / Math.Sqrt(options.HeadWidth)); // a contiguous copy, too
        }
        if (query.dtype != ScalarType.Float32 && !RecordsGradient(query, key, value))
        {
            // Low-precision products of the packed projection's strided views ran about 13 % slower than of copies
            // (bf16, B=8, H=4, T=128, head width 64: 1.33 ms against 1.16 ms for the kernel, copies included).
            (query, key, value) = (query.contiguous(), key.contiguous(), value.contiguous());
        }
        var oneDnn = ExplicitOnOneDnn(query, key, value);
        var scores = oneDnn ? OneDnnProduct(query, key, transposeRight: true) : query.matmul(key.transpose(-2, -1));
        if (options.Scaled && !scaleQueries)
        {
            scores.mul_(1.0 / Math.Sqrt(options.HeadWidth)); // in place: the product's backward does not read its output
        }
        var mask = AdditiveMask(plan.Allowed, bias, scores.dtype, plan.Additive);
        if (mask is not null)
        {
            scores.add_(mask);
        }
        // Low-precision scores: with gradients the softmax runs in fp32, as autocast does; without, in their own type, whose
        // CPU kernel keeps the maximum and the sum in fp32 and rounds only the weights, which the next product rounds anyway.
        var weights = options.Softmax1 ? Softmax1(scores.to(ScalarType.Float32))
            : scores.dtype == ScalarType.Float32 || !RecordsGradient(query, key, value) ? scores.softmax(-1) : scores.softmax(-1, ScalarType.Float32);
        weights = nn.functional.dropout(weights.to(value.dtype), options.Dropout, training);
        var attended = oneDnn ? OneDnnProduct(weights, value, transposeRight: false) : weights.matmul(value);
        return SilenceBlindQueries(attended, plan).MoveToOuterDisposeScope();
    }

    // fp32 explicit scores without gradients multiply on oneDNN's matmul (see OneDnnMatmul) from this many multiply-adds per
    // product, with more than one thread (as the causal blocks; test fixtures run on one). Scores and weighted sum, mask and
    // softmax between, MKL / oneDNN with contiguous operands (paired rounds, two threads, scratch, 2026-12-02): head width 64,
    // B·H·T·T = 4·64·64 0.53x, 8·64·64 0.72x, 4·128·128 (4.2M) 0.78x, 8·128·128 (8.4M) 1.21x, 16·128·128 1.54x,
    // 32·128·128 (the medium GPT) 1.48–1.55x, 8·196·196 (HAT's backbone) 1.31–1.42x, 8·512·512 (head width 68) 1.70x.
    // Copies alone (MKL on contiguous operands) gained at most 1.09x.
    private const long OneDnnExplicitMultiplyAdds = 8L << 20;

    // Whether explicit scores of these [B,H,T,hd] queries over [B,H,S,hd] keys multiply on oneDNN: fp32 without gradients, large enough.
    private static bool ExplicitOnOneDnn(Tensor query, Tensor key, Tensor value) =>
        query.dtype == ScalarType.Float32 && !RecordsGradient(query, key, value) && OneDnnMatmul.Available && get_num_threads() > 1
        && query.shape[0] * query.shape[1] * query.shape[2] * key.shape[2] * query.shape[3] >= OneDnnExplicitMultiplyAdds;

    // [B, H, m, k] × [B, H, k, n] (or × [B, H, n, k]ᵀ) as one batched product of contiguous operands on oneDNN.
    private static Tensor OneDnnProduct(Tensor left, Tensor right, bool transposeRight)
    {
        long batch = left.shape[0], heads = left.shape[1];
        var flatLeft = left.contiguous().view(batch * heads, left.shape[2], left.shape[3]);
        var flatRight = right.contiguous().view(batch * heads, right.shape[2], right.shape[3]);
        var product = OneDnnMatmul.Multiply(flatLeft, transposeRight ? flatRight.transpose(1, 2) : flatRight);
        return product.view(batch, heads, product.shape[1], product.shape[2]);
    }

    // Scaling the queries touches B·H·T·hd values, scaling the scores B·H·T·S: the queries when there are more keys than
    // the head is wide. (A power-of-two scale, as for head width 64, is exact either way; otherwise the rounding moves
    // from the scores to the queries, one rounding each.)
    private static bool ScalesQueries(AttentionOptions options, Tensor key) => options.Scaled && key.shape[2] > options.HeadWidth;

    // Chunks of the chunked kernel hold at most this many bytes of fp32 scores: small enough to be reused from the
    // allocator's cache, large enough that each chunk's products are efficient GEMMs.
    private const long ChunkScoresBytes = 8L << 20;

    /// <summary>
    /// Whether to run <see cref="Chunked"/>: inference on scores too large for <see cref="Explicit"/>, in bf16 or fp16,
    /// or in fp32 when the attention is plain causal; and plain causal fp32 or bf16 attention that records gradients, whose
    /// query blocks run with a backward of their own (<see cref="CausalBlockAttention"/>) while the weights they keep
    /// fit in 256 MB (bf16 with gradients ran <c>scaled_dot_product_attention</c> here before, whose CPU backward is slow:
    /// the blocks are 2.95x faster per layer at B=16, H=8, T=512). In bf16 <c>scaled_dot_product_attention</c>'s CPU kernel takes twice to three times as long as
    /// explicit chunks (measured at B=16, H=8, T=512, head width 64, one layer: 75–91 ms against 31–34 ms). In fp32 it is
    /// as fast as or faster than explicit chunks over whole rows (80–110 against 89–133 ms), but causal query blocks skip
    /// the masked three eighths of the scores; with gradients the blocks took 325–335 ms per layer against its 498–556
    /// (forward and backward, same shape, one run).
    /// </summary>
    /// <param name="options">The layer's options.</param>
    /// <param name="query">Queries.</param>
    /// <param name="key">Keys.</param>
    /// <param name="value">Values.</param>
    /// <param name="plainCausal">Causal masking and nothing else, over a whole sequence.</param>
    public static bool PrefersChunked(AttentionOptions options, Tensor query, Tensor key, Tensor value, bool plainCausal)
    {
        switch (AttentionKernelChoice.Current)
        {
            case AttentionKernel.ChunkedScores: return true;
            case not (AttentionKernel.Automatic or AttentionKernel.GroupedKeys): return false;
        }
        if (value.dtype is not (ScalarType.BFloat16 or ScalarType.Float16) && !(value.dtype == ScalarType.Float32 && plainCausal))
        {
            return false;
        }
        long pairs = query.shape[0] * query.shape[1], length = query.shape[2];
        if (FitExplicit(pairs * length * key.shape[2], RecordsGradient(query, key, value)))
        {
            return false;
        }
        return !RecordsGradient(query, key, value)
            || (CausalBlockAttention.Takes(value.dtype) && plainCausal && !options.Softmax1
                && CausalBlockAttention.SavedWeightBytes(pairs, length, Math.Min(CausalQueryBlock, length), value.dtype) <= SavedWeightsLimitBytes);
    }

    /// <summary>
    /// Whether plain causal fp32 attention that records gradients should run as <see cref="CausalBlockAttention"/> even
    /// where its scores would fit <see cref="Explicit"/>: when oneDNN multiplies the blocks' products
    /// (<see cref="CausalBlockAttention.MultipliesOnOneDnn"/>). On MKL one block ran about as fast as explicit scores
    /// (0.97–0.99x at B=8, H=4, T=128); on oneDNN 1.13–1.17x, QKV projection included. No softmax1, no dropout (the caller's).
    /// </summary>
    /// <param name="options">The layer's options.</param>
    /// <param name="query">Queries.</param>
    /// <param name="key">Keys.</param>
    /// <param name="value">Values.</param>
    /// <param name="plainCausal">Causal masking and nothing else, over a whole sequence.</param>
    public static bool PrefersCausalBlocks(AttentionOptions options, Tensor query, Tensor key, Tensor value, bool plainCausal)
    {
        if (AttentionKernelChoice.Current is not (AttentionKernel.Automatic or AttentionKernel.GroupedKeys) || !plainCausal || options.Softmax1
            || value.dtype != ScalarType.Float32 || !RecordsGradient(query, key, value))
        {
            return false;
        }
        long pairs = query.shape[0] * query.shape[1], length = query.shape[2], block = Math.Min(CausalQueryBlock, length);
        return CausalBlockAttention.MultipliesOnOneDnn(pairs, block, options.HeadWidth)
            && CausalBlockAttention.SavedWeightBytes(pairs, length, block, value.dtype) <= SavedWeightsLimitBytes;
    }

    // The softmax weights causal blocks keep for their backward; beyond this the flash kernel, which keeps none, runs.
    private const long SavedWeightsLimitBytes = 256L << 20;

    private static bool RecordsGradient(Tensor query, Tensor key, Tensor value) =>
        is_grad_enabled() && (query.requires_grad || key.requires_grad || value.requires_grad);

    // Causal fp32 chunks take queries in blocks of this many: block i's scores stop at its last query's key, so T=512
    // computes 62.5 % of the full score matrix.
    private const long CausalQueryBlock = 128;

    // Inference blocks whose products run on oneDNN (fp32 through OneDnnMatmul, bf16 and fp16 through libtorch's own
    // matmul), with contiguous keys and values: larger blocks make larger products. B=16, H=8, T=512, one fp32 layer:
    // 42.0 ms against 43.4 with blocks of 128 and 57.3 for MKL's blocks of 128 (paired rounds, scratch; T=512 then
    // computes 75 % of the scores). The large ByteGpt's bf16 forward: 1.044–1.045x faster than whole rows, where
    // blocks of 128 gained nothing (1.007x) and of 192 lost 2 % against 256 (paired rounds in one process, scratch).
    private const long OneDnnCausalQueryBlock = 256;

    /// <summary>
    /// The explicit kernel over slices of heads, one batch row at a time, each slice's scores at most
    /// <see cref="ChunkScoresBytes"/> counted in fp32: scores, scale and mask in the inputs' precision, libtorch's
    /// softmax for that precision (which keeps its maximum and sum in fp32; softmax1 computes in fp32), the weighted
    /// values written into the output slice. Plain causal attention (<c>plainCausal</c>, as the caller worked it out for
    /// <see cref="PrefersChunked"/>), in fp32 or bf16 or without gradients in fp16, also takes the queries in blocks,
    /// each against the keys up to its last query only (the keys after it are all masked); when that records gradients
    /// (fp32 or bf16, no softmax1) the blocks run as <see cref="CausalBlockAttention"/>, whose backward is written out. No dropout.
    /// </summary>
    public static Tensor Chunked(AttentionOptions options, Tensor query, Tensor key, Tensor value, MaskPlan plan, Tensor? bias, bool plainCausal)
    {
        using var scope = NewDisposeScope();
        (key, value) = ShareHeads(options, key, value);
        long batch = query.shape[0], heads = query.shape[1], length = query.shape[2], keys = key.shape[2];
        var headsPerChunk = Math.Clamp(ChunkScoresBytes / (length * keys * sizeof(float)), 1, heads);
        // The blocks slice the cached additive [T, T] mask, which the plan carries whenever this kernel runs; with gradients
        // they run in the types whose backward is written out (fp32, bf16).
        var causalBlocks = plainCausal && plan.Additive is { } additive && additive.dim() == 2
            && (CausalBlockAttention.Takes(value.dtype) || !RecordsGradient(query, key, value));
        var scale = options.Scaled ? 1.0 / Math.Sqrt(options.HeadWidth) : 1.0;
        if (causalBlocks && !options.Softmax1 && RecordsGradient(query, key, value))
        {
            return CausalBlockAttention.Run(query, key, value, plan.Additive!, scale, Math.Min(CausalQueryBlock, length)).MoveToOuterDisposeScope();
        }
        var oneDnnBlocks = causalBlocks && OneDnnMatmul.Available && !RecordsGradient(query, key, value);
        var queryBlock = causalBlocks ? Math.Min(oneDnnBlocks || value.dtype != ScalarType.Float32 ? OneDnnCausalQueryBlock : CausalQueryBlock, length) : length;
        // The queries are scaled once rather than every chunk's scores; in low precision, and in fp32 on oneDNN, the
        // chunks also multiply contiguous keys and values, not the packed projection's strided views (bf16, H=8, T=512,
        // one batch row's chunk: 1.68–1.82 ms against 1.95 ms; on MKL in fp32 the copies did not pay).
        var scaleQueries = ScalesQueries(options, key);
        if (scaleQueries)
        {
            query = query * scale;
        }
        if (value.dtype != ScalarType.Float32 || oneDnnBlocks)
        {
            (key, value) = (key.contiguous(), value.contiguous());
        }
        Tensor Product(Tensor left, Tensor right) => oneDnnBlocks ? OneDnnMatmul.Multiply(left, right) : left.matmul(right);
        // Laid out [B, T, H, hd] and seen as [B, H, T, hd]: the caller's merge of the heads is then a view, not a copy.
        var output = empty(new[] { batch, length, heads, options.HeadWidth }, value.dtype, value.device).permute(0, 2, 1, 3);
        for (long b = 0; b < batch; b++)
        {
            for (long first = 0; first < heads; first += headsPerChunk)
            {
                var count = Math.Min(headsPerChunk, heads - first);
                for (long start = 0; start < length; start += queryBlock)
                {
                    using var chunk = NewDisposeScope();
                    var rows = Math.Min(queryBlock, length - start);
                    var span = causalBlocks ? start + rows : keys;
                    var keyChunk = key[b].narrow(0, first, count).narrow(1, 0, span);
                    var scores = Product(query[b].narrow(0, first, count).narrow(1, start, rows), keyChunk.transpose(-2, -1));
                    if (options.Scaled && !scaleQueries)
                    {
                        scores.mul_(scale);
                    }
                    var mask = causalBlocks ? plan.Additive!.narrow(0, start, rows).narrow(1, 0, span)
                        : AdditiveMask(Slice(plan.Allowed, b, first, count), Slice(bias, b, first, count), scores.dtype, plan.Additive);
                    if (mask is not null)
                    {
                        scores.add_(mask);
                    }
                    var weights = options.Softmax1 ? Softmax1(scores.to(ScalarType.Float32)).to(value.dtype) : scores.softmax(-1);
                    output[b].narrow(0, first, count).narrow(1, start, rows).copy_(Product(weights, value[b].narrow(0, first, count).narrow(1, 0, span)));
                }
            }
        }
        return SilenceBlindQueries(output, plan).MoveToOuterDisposeScope();
    }

    // Row b and heads first … first+count−1 of a mask or bias broadcastable to [B,H,T,S] (size-1 dimensions kept).
    private static Tensor? Slice(Tensor? tensor, long b, long first, long count)
    {
        if (tensor is null || tensor.dim() < 3)
        {
            return tensor;
        }
        var full = tensor.dim() == 3 ? tensor.unsqueeze(0) : tensor;
        var row = full.size(0) == 1 ? full[0] : full[b];
        return row.size(0) == 1 ? row : row.narrow(0, first, count);
    }

    /// <summary>Scores, mask, softmax (or softmax1 from its formula) and weighted sum, op by op.</summary>
    public static Tensor Reference(AttentionOptions options, Tensor query, Tensor key, Tensor value, MaskPlan plan, Tensor? bias, bool training)
    {
        using var scope = NewDisposeScope();
        (key, value) = ShareHeads(options, key, value);
        var scores = query.matmul(key.transpose(-2, -1));
        if (options.Scaled)
        {
            scores = scores / Math.Sqrt(options.HeadWidth);
        }
        var allowed = plan.CausalOnly ? ones(query.shape[2], key.shape[2], ScalarType.Bool, query.device).tril() : plan.Allowed;
        var mask = AdditiveMask(allowed, bias, scores.dtype);
        if (mask is not null)
        {
            scores = scores + mask;
        }
        var weights = options.Softmax1 ? Softmax1(scores) : scores.softmax(-1);
        weights = nn.functional.dropout(weights, options.Dropout, training);
        return SilenceBlindQueries(weights.matmul(value), plan).MoveToOuterDisposeScope();
    }

    // exp(s) / (1 + Σ exp(s)), shifted by max(0, max s) so that neither term overflows.
    private static Tensor Softmax1(Tensor scores)
    {
        var top = scores.amax(new long[] { -1 }, keepdim: true).clamp_min(0);
        var exponentials = (scores - top).exp();
        return exponentials / ((-top).exp() + exponentials.sum(-1, keepdim: true));
    }

    // Only data-dependent masks (padding, groups) can leave a query without any visible key.
    private static Tensor SilenceBlindQueries(Tensor attended, MaskPlan plan)
    {
        if (!plan.OwnsAllowed || plan.Allowed is null)
        {
            return attended;
        }
        var sees = plan.Allowed.any(-1, keepdim: true);
        return attended * sees.to(attended.dtype);
    }

    // Grouped-query attention: each key/value head serves Heads/KvHeads query heads.
    private static (Tensor, Tensor) ShareHeads(AttentionOptions options, Tensor key, Tensor value)
    {
        var repeats = options.QueryHeads / options.KeyHeads;
        return repeats == 1 ? (key, value) : (key.repeat_interleave(repeats, 1), value.repeat_interleave(repeats, 1));
    }

    /// <summary>
    /// 0 where <paramref name="allowed"/> is true, <paramref name="hiddenScore"/> (by default a large negative score)
    /// elsewhere, plus <paramref name="bias"/>; null when neither is given. <paramref name="cachedAllowed"/>, the additive
    /// form of <paramref name="allowed"/> made earlier, is used instead of building it when its element type matches.
    /// </summary>
    internal static Tensor? AdditiveMask(Tensor? allowed, Tensor? bias, ScalarType dtype, Tensor? cachedAllowed = null, double hiddenScore = Hidden)
    {
        if (allowed is null)
        {
            return bias?.to(dtype);
        }
        Tensor additive;
        if (cachedAllowed is not null && cachedAllowed.dtype == dtype)
        {
            additive = cachedAllowed;
        }
        else
        {
            var hidden = zeros(1, dtype: dtype, device: allowed.device).fill_(hiddenScore);
            var open = zeros(1, dtype: dtype, device: allowed.device);
            additive = where(allowed, open, hidden);
        }
        return bias is null ? additive : additive + bias.to(dtype);
    }

    private static long[] BroadcastShape(Tensor bias, long length, long keyLength)
    {
        var shape = new long[4];
        var source = bias.shape;
        var offset = 4 - source.Length;
        for (var i = 0; i < 4; i++)
        {
            shape[i] = i < offset ? 1 : source[i - offset];
        }
        shape[2] = length;
        shape[3] = keyLength;
        return shape;
    }
}
