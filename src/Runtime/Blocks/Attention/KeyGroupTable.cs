using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// For block-diagonal attention, every (query, key) pair that may attend, listed: pair p joins flat query row
/// <c>Queries[p]</c> (of <c>[B·T, ·]</c>) and flat key row <c>Keys[p]</c> (of <c>[B·S, ·]</c>), and takes slot <c>Slots[p]</c>
/// of a <c>[B·T, Width]</c> layout in which each query's pairs are consecutive (to find each query's largest score).
/// Built on the host from the groups' values, so only for CPU tensors: reading them costs no device synchronisation.
/// </summary>
internal sealed class KeyGroupTable : IDisposable
{
    private KeyGroupTable(Tensor queries, Tensor keys, Tensor slots, long width)
    {
        Queries = queries;
        Keys = keys;
        Slots = slots;
        Width = width;
    }

    /// <summary>Flat query row of each pair, <c>[P]</c> int64.</summary>
    public Tensor Queries { get; }

    /// <summary>Flat key row of each pair, <c>[P]</c> int64.</summary>
    public Tensor Keys { get; }

    /// <summary>Slot of each pair in the <c>[B·T·Width]</c> softmax layout, <c>[P]</c> int64.</summary>
    public Tensor Slots { get; }

    /// <summary>The most pairs any query has (at least 1).</summary>
    public long Width { get; }

    /// <summary>Number of pairs.</summary>
    public long Pairs => Queries.shape[0];

    /// <summary>Lists, per row and query, the keys of the same group that padding leaves visible.</summary>
    /// <param name="batch">Rows B.</param>
    /// <param name="queryGroups">Group of each query, <c>[B or 1, T]</c>, integers, on the CPU.</param>
    /// <param name="keyGroups">Group of each key, <c>[B or 1, S]</c>, integers, on the CPU.</param>
    /// <param name="padding">True where a key is real, <c>[B or 1, S]</c>; null when all are.</param>
    public static KeyGroupTable Build(long batch, Tensor queryGroups, Tensor keyGroups, Tensor? padding)
    {
        long length = queryGroups.shape[1], keyLength = keyGroups.shape[1];
        var queryRows = HostRows<long>(queryGroups, ScalarType.Int64);
        var keyRows = HostRows<long>(keyGroups, ScalarType.Int64);
        var realRows = padding is null ? null : HostRows<bool>(padding, ScalarType.Bool);

        var visible = new List<int>?[batch * length];
        long width = 1, pairs = 0;
        for (long b = 0; b < batch; b++)
        {
            var keysOf = new Dictionary<long, List<int>>();
            var keys = Row(keyRows, b, keyLength);
            var real = realRows is null ? default : Row(realRows, b, keyLength);
            for (var s = 0; s < keys.Length; s++)
            {
                if (realRows is not null && !real[s])
                {
                    continue;
                }
                if (!keysOf.TryGetValue(keys[s], out var list))
                {
                    keysOf[keys[s]] = list = new List<int>();
                }
                list.Add(s);
            }
            var queries = Row(queryRows, b, length);
            for (var t = 0; t < queries.Length; t++)
            {
                var seen = keysOf.GetValueOrDefault(queries[t]);
                visible[b * length + t] = seen;
                width = Math.Max(width, seen?.Count ?? 0);
                pairs += seen?.Count ?? 0;
            }
        }
        return Fill(length, keyLength, visible, width, pairs);
    }

    private static KeyGroupTable Fill(long length, long keyLength, List<int>?[] visible, long width, long pairs)
    {
        var queries = new long[pairs];
        var keys = new long[pairs];
        var slots = new long[pairs];
        long pair = 0;
        for (long query = 0; query < visible.Length; query++)
        {
            var seen = visible[query];
            if (seen is null)
            {
                continue;
            }
            var rowStart = query / length * keyLength;
            for (var rank = 0; rank < seen.Count; rank++, pair++)
            {
                queries[pair] = query;
                keys[pair] = rowStart + seen[rank];
                slots[pair] = query * width + rank;
            }
        }
        return new KeyGroupTable(tensor(queries), tensor(keys), tensor(slots), width);
    }

    private static T[] HostRows<T>(Tensor tensor, ScalarType type) where T : unmanaged
    {
        using var typed = tensor.to(type).contiguous();
        return typed.data<T>().ToArray();
    }

    // Row b of a [B or 1, n] tensor's values (a shared row when the batch dimension is 1).
    private static ReadOnlySpan<T> Row<T>(T[] values, long b, long n) =>
        values.AsSpan(values.Length == n ? 0 : (int)(b * n), (int)n);

    /// <inheritdoc/>
    public void Dispose()
    {
        Queries.Dispose();
        Keys.Dispose();
        Slots.Dispose();
    }
}
