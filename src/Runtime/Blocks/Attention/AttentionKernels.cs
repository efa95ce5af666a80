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
    private const double Hidden = -1e9;

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
    // the window's mask. Cheaper than one masked kernel over all T×T scores.
    private static Tensor SlidingWindow(Tensor query, Tensor key, Tensor value, Tensor allowed, long window, double dropout)
    {
        var length = query.shape[2];
        var head = nn.functional.scaled_dot_product_attention(
            query.narrow(2, 0, window), key.narrow(2, 0, window), value.narrow(2, 0, window), null, dropout, true);
        var tailMask = allowed.narrow(0, window, length - window).narrow(1, 1, length - 1);
        var tail = nn.functional.scaled_dot_product_attention(
            query.narrow(2, window, length - window), key.narrow(2, 1, length - 1), value.narrow(2, 1, length - 1),
            AdditiveMask(tailMask, null, query.dtype), dropout, false);
        return cat(new[] { head, tail }, 2);
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
        Tensor weights;
        if (options.Softmax1)
        {
            var top = scores.amax(new long[] { -1 }, keepdim: true).clamp_min(0);
            var exponentials = (scores - top).exp();
            weights = exponentials / ((-top).exp() + exponentials.sum(-1, keepdim: true));
        }
        else
        {
            weights = scores.softmax(-1);
        }
        weights = nn.functional.dropout(weights, options.Dropout, training);
        return SilenceBlindQueries(weights.matmul(value), plan).MoveToOuterDisposeScope();
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

    private static Tensor? AdditiveMask(Tensor? allowed, Tensor? bias, ScalarType dtype)
    {
        if (allowed is null)
        {
            return bias?.to(dtype);
        }
        var hidden = zeros(1, dtype: dtype, device: allowed.device).fill_(Hidden);
        var open = zeros(1, dtype: dtype, device: allowed.device);
        var additive = where(allowed, open, hidden);
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
