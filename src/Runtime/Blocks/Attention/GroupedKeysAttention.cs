using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Block-diagonal attention over the (query, key) pairs of the same group only, instead of scoring all S keys for every
/// query and masking all but a few: each pair's score is a dot product of the query's and the key's rows, each query's
/// softmax runs over its own pairs, and the weighted values are added up per query. HAT's word pooling (each word's
/// latent query over that word's bytes, about 5 of 1024) is the case it is for. Same result as the masked kernels up to
/// rounding.
/// </summary>
internal static class GroupedKeysAttention
{
    /// <summary>
    /// The pairs of this call when this kernel should run (null otherwise): inputs and groups on the CPU, groups of an integer type, and no
    /// mask or score term that reaches across groups (causal, prefix or window masks, a score bias, softmax1's extra key).
    /// Automatically only while the pairs times the head width stay within the masked kernel's B·T·S scores: each pair
    /// moves a query's, a key's and a value's head-wide rows, where the masked kernel's cost grows with the scores.
    /// Measured (paired rounds, scratch, two threads, 196 queries over 1024 keys, head width 64, QK-norm and RoPE, the
    /// whole layer): one query per group 2.2x faster; pairs a 64th of all 1.24x, a 32nd 1.09x, a 16th 0.70x, a quarter 0.11x.
    /// <see cref="AttentionKernel.GroupedKeys"/> forces it wherever it applies.
    /// </summary>
    public static KeyGroupTable? Table(AttentionOptions options, Tensor x, long keyLength, Tensor? padding, Tensor? bias,
        Tensor? queryGroups, Tensor? keyGroups)
    {
        var choice = AttentionKernelChoice.Current;
        long batch = x.shape[0], length = x.shape[1];
        if (choice is not (AttentionKernel.Automatic or AttentionKernel.GroupedKeys) || queryGroups is null || keyGroups is null
            || x.device_type != TorchSharp.DeviceType.CPU
            || options.Causal || options.Prefix is not null || options.Window is not null || options.Softmax1 || bias is not null
            || !OnHost(queryGroups) || !OnHost(keyGroups) || (padding is not null && padding.device_type != TorchSharp.DeviceType.CPU))
        {
            return null;
        }
        var table = KeyGroupTable.Build(batch, queryGroups, keyGroups, padding);
        if (choice == AttentionKernel.Automatic && table.Pairs * options.HeadWidth > batch * length * keyLength)
        {
            table.Dispose();
            return null;
        }
        return table;
    }

    private static bool OnHost(Tensor groups) => groups.device_type == TorchSharp.DeviceType.CPU && !groups.is_floating_point() && !groups.is_complex();

    /// <summary>Attention of <c>[B,H,T,hd]</c> queries over the listed pairs' rows of <c>[B,Hkv,S,hd]</c> keys and values.</summary>
    /// <param name="options">The layer's options (scaling, dropout).</param>
    /// <param name="query">Queries.</param>
    /// <param name="key">Keys; each serves Heads / KvHeads consecutive query heads.</param>
    /// <param name="value">Values, laid out as the keys.</param>
    /// <param name="table">The pairs.</param>
    /// <param name="training">Whether dropout applies.</param>
    public static Tensor Run(AttentionOptions options, Tensor query, Tensor key, Tensor value, KeyGroupTable table, bool training)
    {
        using var scope = NewDisposeScope();
        long batch = query.shape[0], heads = query.shape[1], length = query.shape[2], headWidth = query.shape[3];
        long keyHeads = key.shape[1], keyLength = key.shape[2], shared = heads / keyHeads, pairs = table.Pairs;
        // [B, heads, n, hd] → rows [B·n, heads·hd] → the pairs' rows [P, heads, 1, hd]
        Tensor PairRows(Tensor x, long n, Tensor rows) => x.transpose(1, 2).reshape(batch * n, x.shape[1] * headWidth).index_select(0, rows)
            .view(pairs, x.shape[1], 1, headWidth);
        var queries = PairRows(query, length, table.Queries).view(pairs, keyHeads, shared, headWidth);
        var keys = PairRows(key, keyLength, table.Keys);
        // Scores in fp32 whatever the inputs' type: exact products of low-precision values summed in fp32, as a product
        // kernel accumulates them. Query heads that share a key head read the same key row.
        var wide = (queries.to(ScalarType.Float32) * keys).sum(-1).view(pairs, heads);
        if (options.Scaled)
        {
            wide = wide * (1.0 / Math.Sqrt(options.HeadWidth));
        }
        // Softmax over each query's pairs, in fp32 (as autocast runs it): exponentials shifted by the query's largest score
        // (found in a [B·T, Width] layout padded with −∞; a constant to autograd, which leaves the gradient exact), summed per query.
        Tensor largest;
        using (no_grad())
        {
            largest = full(batch * length * table.Width, heads, double.NegativeInfinity, ScalarType.Float32, wide.device)
                .index_copy_(0, table.Slots, wide).view(batch * length, table.Width, heads).amax(1);
        }
        var exponentials = (wide - largest.index_select(0, table.Queries)).exp();
        var sums = zeros(new[] { batch * length, heads }, ScalarType.Float32, wide.device).index_add(0, table.Queries, exponentials, 1);
        var weights = exponentials / sums.index_select(0, table.Queries);
        weights = nn.functional.dropout(weights, options.Dropout, training);
        var values = PairRows(value, keyLength, table.Keys);
        // Weighted and summed per query in fp32, rounded once to the values' type (as a low-precision product accumulates).
        var weighted = (weights.view(pairs, keyHeads, shared, 1) * values).view(pairs, heads * headWidth);
        // A query without pairs attends to nothing: its row stays zero.
        var output = zeros(new[] { batch * length, heads * headWidth }, ScalarType.Float32, value.device).index_add(0, table.Queries, weighted, 1).to(value.dtype);
        // Laid out [B, T, H, hd] and seen as [B, H, T, hd], so that the caller's merge of the heads is a view.
        return output.view(batch, length, heads, headWidth).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
