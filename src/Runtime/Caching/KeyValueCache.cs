using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Caching;

/// <summary>
/// The keys and values one attention layer has seen so far, <c>[B, Hkv, S, hd]</c>, for decoding step by step:
/// each step appends the new positions' keys and values and attends over everything stored.
/// </summary>
/// <remarks>
/// <para>Storage grows by doubling, so appending one position costs a copy of that position only (amortised),
/// not of the whole history. The cache owns its storage: the tensors live outside every dispose scope until
/// <see cref="Dispose"/>. What <see cref="Append"/> returns are views, owned by the caller's scope.</para>
/// <para>It is an inference cache: stored values are detached from any autograd graph.</para>
/// </remarks>
public sealed class KeyValueCache : IDisposable
{
    private const long MinimumCapacity = 16;

    private Tensor? keys;
    private Tensor? values;
    private bool disposed;

    /// <summary>Number of positions stored.</summary>
    public long Length { get; private set; }

    /// <summary>Number of positions the current storage holds before it must grow.</summary>
    public long Capacity => keys?.shape[2] ?? 0;

    /// <summary>
    /// Appends <paramref name="newKeys"/> and <paramref name="newValues"/> (<c>[B, Hkv, t, hd]</c>) after the stored
    /// positions and returns views of all keys and values, <c>[B, Hkv, Length, hd]</c>.
    /// </summary>
    /// <param name="newKeys">Keys of the new positions.</param>
    /// <param name="newValues">Values of the new positions, same shape as the keys.</param>
    /// <returns>Views of every stored key and value, including the new ones; dispose them (or let a scope do it).</returns>
    public (Tensor Keys, Tensor Values) Append(Tensor newKeys, Tensor newValues)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(newKeys);
        ArgumentNullException.ThrowIfNull(newValues);
        if (newKeys.dim() != 4 || !newKeys.shape.AsSpan().SequenceEqual(newValues.shape))
        {
            throw new ArgumentException(
                $"Keys and values must both be [B, Hkv, t, hd]; got keys [{string.Join(", ", newKeys.shape)}] and values [{string.Join(", ", newValues.shape)}].",
                nameof(newValues));
        }
        if (keys is not null)
        {
            CheckCompatible(newKeys);
        }
        long added = newKeys.shape[2];
        EnsureCapacity(newKeys, Length + added);
        using (no_grad())
        {
            using var keySlot = keys!.narrow(2, Length, added);
            using var valueSlot = values!.narrow(2, Length, added);
            keySlot.copy_(newKeys);
            valueSlot.copy_(newValues);
        }
        Length += added;
        return (keys!.narrow(2, 0, Length), values!.narrow(2, 0, Length));
    }

    /// <summary>Forgets every position from <paramref name="length"/> on (to re-run the last steps differently).</summary>
    /// <param name="length">How many positions to keep, between 0 and <see cref="Length"/>.</param>
    public void Truncate(long length)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (length < 0 || length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The cache holds {Length} positions; keep between 0 and {Length}.");
        }
        Length = length;
    }

    /// <summary>Releases the storage.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        keys?.Dispose();
        values?.Dispose();
        keys = values = null;
    }

    private void CheckCompatible(Tensor newKeys)
    {
        var stored = keys!.shape;
        var added = newKeys.shape;
        if (stored[0] != added[0] || stored[1] != added[1] || stored[3] != added[3])
        {
            throw new ArgumentException(
                $"This cache stores [B={stored[0]}, Hkv={stored[1]}, S, hd={stored[3]}]; the new keys are [{string.Join(", ", added)}].", nameof(newKeys));
        }
        if (newKeys.dtype != keys.dtype || newKeys.device_type != keys.device_type || newKeys.device_index != keys.device_index)
        {
            throw new ArgumentException($"This cache stores {keys.dtype} on {keys.device}; the new keys are {newKeys.dtype} on {newKeys.device}.", nameof(newKeys));
        }
    }

    private void EnsureCapacity(Tensor like, long needed)
    {
        if (Capacity >= needed)
        {
            return;
        }
        long capacity = Math.Max(Math.Max(MinimumCapacity, 2 * Capacity), needed);
        var shape = new[] { like.shape[0], like.shape[1], capacity, like.shape[3] };
        var grownKeys = empty(shape, like.dtype, like.device).DetachFromDisposeScope();
        var grownValues = empty(shape, like.dtype, like.device).DetachFromDisposeScope();
        if (keys is not null && Length > 0)
        {
            using (no_grad())
            using (var keyTarget = grownKeys.narrow(2, 0, Length))
            using (var valueTarget = grownValues.narrow(2, 0, Length))
            using (var keySource = keys.narrow(2, 0, Length))
            using (var valueSource = values!.narrow(2, 0, Length))
            {
                keyTarget.copy_(keySource);
                valueTarget.copy_(valueSource);
            }
        }
        keys?.Dispose();
        values?.Dispose();
        keys = grownKeys;
        values = grownValues;
    }
}
