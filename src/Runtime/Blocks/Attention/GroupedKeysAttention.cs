using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Block-diagonal attention over each query's own keys only: the keys and values of its group are gathered into a
/// list of <see cref="KeyGroupTable.Width"/> slots per query, instead of scoring all S keys and masking all but a few.
/// HAT's word pooling (each word's latent query over that word's bytes, at most 32 of 1024) is the case it is for.
/// Same result as the masked kernels up to rounding: hidden slots get −∞ and weigh exactly zero.
/// </summary>
internal static class GroupedKeysAttention
{
    // Automatic choice: gathered when every query sees at most this fraction of the keys.
    private const long KeysPerSlot = 4;

    /// <summary>
    /// The key lists of this call when the gathered kernel should run (null otherwise): groups on the CPU, of an integer
    /// type, and no mask or score term that reaches across groups (causal, prefix or window masks, a score bias,
    /// softmax1's extra key). Automatically only when the longest list holds at most a quarter of the keys;
    /// <see cref="AttentionKernel.GroupedKeys"/> forces it wherever it applies.
    /// </summary>
    public static KeyGroupTable? Table(AttentionOptions options, long batch, long keyLength, Tensor? padding, Tensor? bias,
        Tensor? queryGroups, Tensor? keyGroups)
    {
        var choice = AttentionKernelChoice.Current;
        if (choice is not (AttentionKernel.Automatic or AttentionKernel.GroupedKeys) || queryGroups is null || keyGroups is null
            || options.Causal || options.Prefix is not null || options.Window is not null || options.Softmax1 || bias is not null
            || !OnHost(queryGroups) || !OnHost(keyGroups) || (padding is not null && padding.device_type != TorchSharp.DeviceType.CPU))
        {
            return null;
        }
        var table = KeyGroupTable.Build(batch, queryGroups, keyGroups, padding);
        if (choice == AttentionKernel.Automatic && table.Width * KeysPerSlot > keyLength)
        {
            table.Dispose();
            return null;
        }
        return table;
    }

    private static bool OnHost(Tensor groups) => groups.device_type == TorchSharp.DeviceType.CPU && !groups.is_floating_point() && !groups.is_complex();

    /// <summary>Attention of <c>[B,H,T,hd]</c> queries over the listed rows of <c>[B,Hkv,S,hd]</c> keys and values.</summary>
    /// <param name="options">The layer's options (scaling, dropout).</param>
    /// <param name="query">Queries.</param>
    /// <param name="key">Keys; each serves Heads / KvHeads consecutive query heads.</param>
    /// <param name="value">Values, laid out as the keys.</param>
    /// <param name="table">Each query's keys.</param>
    /// <param name="training">Whether dropout applies.</param>
    public static Tensor Run(AttentionOptions options, Tensor query, Tensor key, Tensor value, KeyGroupTable table, bool training)
    {
        using var scope = NewDisposeScope();
        long batch = query.shape[0], heads = query.shape[1], length = query.shape[2], headWidth = query.shape[3];
        long keyHeads = key.shape[1], keyLength = key.shape[2], shared = heads / keyHeads, width = table.Width;
        var rows = table.Index.view(-1);
        // [B, Hkv, S, hd] → rows [B·S, Hkv·hd] → each query's slots [B, T, L, Hkv, hd] → [B, Hkv, T, L, hd]
        Tensor Gather(Tensor x) => x.transpose(1, 2).reshape(batch * keyLength, keyHeads * headWidth).index_select(0, rows)
            .view(batch, length, width, keyHeads, headWidth).permute(0, 3, 1, 2, 4);
        var keys = Gather(key);
        var values = Gather(value);
        // [B, H, T, hd] → [B, Hkv, T, H/Hkv, hd]: the query heads that share a key head score against it together.
        var queries = query.view(batch, keyHeads, shared, length, headWidth).transpose(2, 3);
        var scores = queries.matmul(keys.transpose(-2, -1)); // [B, Hkv, T, H/Hkv, L]
        if (options.Scaled)
        {
            scores.mul_(1.0 / Math.Sqrt(options.HeadWidth)); // in place: the product's backward does not read its output
        }
        scores.add_(table.Hidden.to(scores.dtype));
        var recordsGradient = is_grad_enabled() && (query.requires_grad || key.requires_grad || value.requires_grad);
        // Low-precision scores with gradients: softmax in fp32, as autocast runs it (and as the explicit kernel does).
        var weights = scores.dtype == ScalarType.Float32 || !recordsGradient ? scores.softmax(-1) : scores.softmax(-1, ScalarType.Float32);
        weights = nn.functional.dropout(weights.to(value.dtype), options.Dropout, training);
        var output = weights.matmul(values); // [B, Hkv, T, H/Hkv, hd]
        if (table.Sees is { } sees)
        {
            output = output * sees.to(output.dtype); // a query that sees no key attends to nothing: zero output, zero gradient
        }
        // Laid out [B, T, H, hd] and seen as [B, H, T, hd], so that the caller's merge of the heads is a view.
        return output.permute(0, 2, 1, 3, 4).reshape(batch, length, heads, headWidth).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
