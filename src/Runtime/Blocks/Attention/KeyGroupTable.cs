using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// For block-diagonal attention, the keys each query may see, listed: row b's query t sees the keys
/// <c>Index[b, t, 0…Width−1]</c> (flat rows of a <c>[B·S, ·]</c> key matrix) where <c>Hidden</c> is 0, and none where it is −∞.
/// Built on the host from the groups' values, so only for CPU tensors: reading them costs no device synchronisation.
/// </summary>
internal sealed class KeyGroupTable : IDisposable
{
    private KeyGroupTable(Tensor index, Tensor hidden, Tensor? sees, long width)
    {
        Index = index;
        Hidden = hidden;
        Sees = sees;
        Width = width;
    }

    /// <summary>Flat key rows, <c>[B, T, Width]</c> int64; unused slots point at the row's first key.</summary>
    public Tensor Index { get; }

    /// <summary>Additive mask of the slots, <c>[B, 1, T, 1, Width]</c> fp32: 0 for a key, −∞ for an unused slot (all 0 for a query that sees no key).</summary>
    public Tensor Hidden { get; }

    /// <summary>1 for queries that see at least one key, 0 for the others, <c>[B, 1, T, 1, 1]</c> fp32; null when every query sees one.</summary>
    public Tensor? Sees { get; }

    /// <summary>The most keys any query sees.</summary>
    public long Width { get; }

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
        long width = 0;
        var keysOf = new Dictionary<long, List<int>>();
        for (long b = 0; b < batch; b++)
        {
            keysOf.Clear();
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
                var seen = keysOf.TryGetValue(queries[t], out var list) ? list : null;
                visible[b * length + t] = seen;
                width = Math.Max(width, seen?.Count ?? 0);
            }
        }
        return Fill(batch, length, keyLength, visible, Math.Max(width, 1));
    }

    private static KeyGroupTable Fill(long batch, long length, long keyLength, List<int>?[] visible, long width)
    {
        var index = new long[batch * length * width];
        var hidden = new float[index.Length];
        var sees = new float[batch * length];
        var blind = false;
        for (long query = 0; query < visible.Length; query++)
        {
            var rowStart = query / length * keyLength;
            var keys = visible[query];
            sees[query] = keys is null ? 0f : 1f;
            blind |= keys is null;
            for (long slot = 0; slot < width; slot++)
            {
                var at = query * width + slot;
                var used = keys is not null && slot < keys.Count;
                index[at] = rowStart + (used ? keys![(int)slot] : 0);
                // A query that sees nothing keeps finite scores over its placeholder slots; its output is zeroed after.
                hidden[at] = used || keys is null ? 0f : float.NegativeInfinity;
            }
        }
        return new KeyGroupTable(
            tensor(index, new[] { batch, length, width }),
            tensor(hidden, new[] { batch, 1, length, 1, width }),
            blind ? tensor(sees, new[] { batch, 1, length, 1, 1 }) : null,
            width);
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
        Index.Dispose();
        Hidden.Dispose();
        Sees?.Dispose();
    }
}
