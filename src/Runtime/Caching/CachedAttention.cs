using System;
using System.Runtime.CompilerServices;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Caching;

/// <summary>
/// A decoding step of a causal self-attention <see cref="Attention"/> layer with a <see cref="KeyValueCache"/>:
/// the new positions are projected with the layer's own weights (<c>qkv</c>, <c>q_norm</c>/<c>k_norm</c>, <c>proj</c>),
/// rotated by their absolute positions, appended to the cache, and attend to every stored position up to themselves.
/// The result equals what the layer computes for those positions on the whole sequence (up to rounding).
/// </summary>
/// <remarks>
/// Supported: causal self-attention with grouped-query heads, QK-norm, rotary positions, scaled or unscaled scores,
/// biases, any precision. Not supported (a clear error): cross-attention, non-causal or prefix-causal layers and
/// softmax1. Dropout is not applied: steps are for inference. The step always runs
/// <c>scaled_dot_product_attention</c>, whatever the layer's <see cref="ForwardPath"/>.
/// </remarks>
public static class CachedAttention
{
    private const double Hidden = -1e9;

    // One rotary table per layer, built on first use (the table covers the layer's whole position range).
    private static readonly ConditionalWeakTable<Attention, Rope> Ropes = new();

    /// <summary>
    /// Runs <paramref name="attention"/> on the new positions <paramref name="x"/> <c>[B, t, Dim]</c>, which follow
    /// the <see cref="KeyValueCache.Length"/> positions already in <paramref name="cache"/>.
    /// </summary>
    /// <param name="attention">A causal self-attention layer.</param>
    /// <param name="x">The new positions' input, <c>[B, t, Dim]</c>.</param>
    /// <param name="cache">The layer's cache; the new keys and values are appended to it.</param>
    /// <param name="positions">Rotary positions of the new positions, <c>[t]</c> or <c>[B, t]</c>; default
    /// <c>cache.Length … cache.Length + t − 1</c>. Ignored without rotary embedding.</param>
    /// <returns>The layer's output for the new positions, <c>[B, t, Dim]</c>.</returns>
    public static Tensor Step(Attention attention, Tensor x, KeyValueCache cache, Tensor? positions = null)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cache);
        var options = attention.Options;
        CheckSupported(options);
        if (x.dim() != 3 || x.shape[2] != options.Dim)
        {
            throw new ArgumentException($"A cached attention step takes [B, t, {options.Dim}]; got [{string.Join(", ", x.shape)}].", nameof(x));
        }

        long batch = x.shape[0], added = x.shape[1], past = cache.Length;
        if (positions is null)
        {
            CheckRotaryRoom(attention, past, added);
        }
        try
        {
            return Run(attention, x, cache, positions, batch, added, past);
        }
        catch
        {
            cache.Truncate(past); // a step that failed after appending must not leave its keys behind
            throw;
        }
    }

    /// <summary>
    /// Refuses a step whose default positions <c>past … past + added − 1</c> run past the layer's rotary table, which
    /// would otherwise fail inside index_select as "index out of range in self".
    /// </summary>
    private static void CheckRotaryRoom(Attention attention, long past, long added)
    {
        var options = attention.Options;
        if (options.Rope && past + added > options.RopeMaxPositions)
        {
            throw new InvalidOperationException(
                $"The rotary table of this layer covers {options.RopeMaxPositions} positions (RopeMaxPositions); the cache holds {past} " +
                $"and {added} more would reach position {past + added - 1}. Truncate the cache or build the layer with a larger RopeMaxPositions.");
        }
    }

    private static Tensor Run(Attention attention, Tensor x, KeyValueCache cache, Tensor? positions, long batch, long added, long past)
    {
        var options = attention.Options;
        using var scope = NewDisposeScope();
        long h = options.QueryHeads, hkv = options.KeyHeads, hd = options.HeadWidth;
        var packed = attention.qkv!.forward(x);
        var parts = packed.split(new[] { h * hd, hkv * hd, hkv * hd }, -1);
        var query = parts[0].view(batch, added, h, hd).transpose(1, 2);
        var key = parts[1].view(batch, added, hkv, hd).transpose(1, 2);
        var value = parts[2].view(batch, added, hkv, hd).transpose(1, 2);
        if (attention.q_norm is not null)
        {
            query = attention.q_norm.forward(query);
            key = attention.k_norm!.forward(key);
        }
        if (options.Rope)
        {
            var ids = positions ?? arange(past, past + added, device: x.device);
            var rope = Ropes.GetValue(attention, a => new Rope(a.Options.HeadWidth, a.Options.RopeTheta, a.Options.RopeMaxPositions));
            query = rope.Apply(query, ids);
            key = rope.Apply(key, ids);
        }
        query = query.to(value.dtype);
        key = key.to(value.dtype);

        var (keys, values) = cache.Append(key, value);
        if (h != hkv)
        {
            keys = keys.repeat_interleave(h / hkv, 1);
            values = values.repeat_interleave(h / hkv, 1);
        }
        if (!options.Scaled)
        {
            query = query * Math.Sqrt(hd);
        }
        // A single new position sees every stored key; several see the past and, causally, each other; a sliding
        // window hides keys more than Window − 1 positions back.
        Tensor? mask = null;
        var windowed = options.Window is { } window && past + added > window;
        if (added > 1 || windowed)
        {
            var visible = AttentionMasks.Causal(past, added, past + added, options.Window, x.device);
            mask = where(visible, zeros(1, query.dtype, x.device), full(1, Hidden, query.dtype, x.device));
        }
        var attended = nn.functional.scaled_dot_product_attention(query, keys, values, mask, 0.0, false);
        var merged = attended.transpose(1, 2).reshape(batch, added, h * hd);
        return attention.proj.forward(merged).MoveToOuterDisposeScope();
    }

    private static void CheckSupported(AttentionOptions options)
    {
        if (options.IsCross)
        {
            throw new NotSupportedException("A cached step is for self-attention; cross-attention reads a fixed memory and needs no key/value cache of its own.");
        }
        if (!options.Causal || options.Prefix is not null)
        {
            throw new NotSupportedException("A cached step needs a causal self-attention layer (without a prefix): only then do earlier positions never see later ones.");
        }
        if (options.Softmax1)
        {
            throw new NotSupportedException("The cached step does not implement softmax1.");
        }
    }
}
