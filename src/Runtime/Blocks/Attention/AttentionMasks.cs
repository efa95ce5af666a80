using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>What the kernels need to know about masking for one call.</summary>
/// <param name="Allowed">Which keys each query may see, broadcastable to <c>[B,1,T,S]</c>; null when all (or when <paramref name="CausalOnly"/>).</param>
/// <param name="CausalOnly">Plain causal masking with nothing else: kernels may use the causal flag instead of a tensor.</param>
/// <param name="OwnsAllowed">Whether <paramref name="Allowed"/> was built for this call (and is disposed with the plan) rather than cached.</param>
/// <param name="Additive">The cached additive form of a shape-only <paramref name="Allowed"/> (0 where allowed, −∞ or a large negative number elsewhere), when asked for.</param>
internal readonly record struct MaskPlan(Tensor? Allowed, bool CausalOnly, bool OwnsAllowed, Tensor? Additive = null) : IDisposable
{
    public void Dispose()
    {
        if (OwnsAllowed)
        {
            Allowed?.Dispose();
        }
    }
}

/// <summary>
/// Builds the boolean "may attend" mask of an attention layer. The parts that depend only on the shape
/// (causal, prefix-causal) are built once per shape and device and cached; padding and groups depend
/// on the data and are combined per call. Safe for concurrent inference: a replaced mask is left to the
/// garbage collector rather than disposed, since another thread may still be reading it.
/// </summary>
internal sealed class AttentionMasks
{
    private readonly object gate = new();
    private (Tensor Mask, (long, long, TorchSharp.DeviceType, int) Key)? structural;
    private (Tensor Mask, Tensor Source, ScalarType Type)? additive;

    // additiveIn: the kernel takes no causal flag but an additive mask of this element type, so plain causal masking
    // comes as a tensor too, and shape-only masks come with their cached additive form.
    public MaskPlan Plan(AttentionOptions options, long length, long keyLength, Device device, Tensor? padding, Tensor? queryGroups, Tensor? keyGroups, ScalarType? additiveIn = null)
    {
        var shaped = options.Causal || options.Prefix is not null;
        if (padding is null && queryGroups is null)
        {
            if (!shaped)
            {
                return new MaskPlan(null, false, false);
            }
            // A window at least as long as the sequence hides nothing.
            if (additiveIn is null && options.Causal && options.Prefix is null && (options.Window is null || options.Window >= length) && length == keyLength)
            {
                return new MaskPlan(null, true, false);
            }
            var allowedByShape = Structural(options, length, keyLength, device);
            return new MaskPlan(allowedByShape, false, false, additiveIn is { } type ? Additive(allowedByShape, type) : null);
        }

        using var scope = NewDisposeScope();
        Tensor allowed = shaped ? Structural(options, length, keyLength, device).unsqueeze(0).unsqueeze(0) : ones(1, 1, 1, 1, ScalarType.Bool, device);
        if (padding is not null)
        {
            allowed = allowed.logical_and(padding.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1));
        }
        if (queryGroups is not null)
        {
            var same = queryGroups.unsqueeze(-1).eq(keyGroups!.unsqueeze(-2)); // [B,T,S]
            allowed = allowed.logical_and(same.unsqueeze(1));
        }
        return new MaskPlan(allowed.MoveToOuterDisposeScope(), false, true);
    }

    // Causal and/or prefix-causal [T,S], cached for the last shape asked for.
    private Tensor Structural(AttentionOptions options, long length, long keyLength, Device device)
    {
        var key = (length, keyLength, device.type, device.index);
        lock (gate)
        {
            if (structural is { } cached && cached.Key == key)
            {
                return cached.Mask;
            }
            var mask = BuildStructural(options, length, keyLength, device);
            structural = (mask, key);
            return mask;
        }
    }

    // The additive form of the cached structural mask, for the last element type asked for.
    private Tensor Additive(Tensor allowed, ScalarType type)
    {
        lock (gate)
        {
            if (additive is { } cached && ReferenceEquals(cached.Source, allowed) && cached.Type == type)
            {
                return cached.Mask;
            }
            using var scope = NewDisposeScope();
            // −∞ where every query sees some key, as capture plans' causal masks hold: the weights are the same exact
            // zeros, but libtorch's vector exp takes a slow path for large finite negative inputs (−1e9 − max: 9–16 ns
            // a value against 3–5 ns for −∞ and 0.8 for ordinary scores). A query that sees no key keeps the finite
            // score, so that its softmax stays defined.
            var hidden = allowed.any(-1).all().item<bool>() ? double.NegativeInfinity : Attention.HiddenScore;
            var mask = AttentionKernels.AdditiveMask(allowed, null, type, hiddenScore: hidden)!;
            additive = (mask.DetachFromDisposeScope(), allowed, type);
            return additive.Value.Mask;
        }
    }

    private static Tensor BuildStructural(AttentionOptions options, long length, long keyLength, Device device)
    {
        using var scope = NewDisposeScope();
        var query = arange(length, device: device).unsqueeze(-1);
        var keyIndex = arange(keyLength, device: device).unsqueeze(0);
        Tensor allowed;
        if (options.Prefix is { } prefix)
        {
            // Prefix positions see the whole prefix only; later positions see the prefix and themselves causally.
            var inPrefix = keyIndex.lt(prefix);
            allowed = query.lt(prefix).logical_and(inPrefix)
                .logical_or(query.ge(prefix).logical_and(inPrefix.logical_or(keyIndex.le(query))));
        }
        else
        {
            allowed = Causal(0, length, keyLength, options.Window, device);
        }
        return allowed.DetachFromDisposeScope();
    }

    /// <summary><c>[T,S]</c> bool: query <c>firstQuery + i</c> sees key <c>j</c> when <c>j ≤ firstQuery + i</c> and, with a
    /// window W, <c>j &gt; firstQuery + i − W</c>. Shared by full passes and cached steps.</summary>
    public static Tensor Causal(long firstQuery, long queries, long keys, long? window, Device device)
    {
        using var scope = NewDisposeScope();
        var query = arange(firstQuery, firstQuery + queries, device: device).unsqueeze(-1);
        var key = arange(keys, device: device).unsqueeze(0);
        var allowed = key.le(query);
        if (window is { } width)
        {
            allowed = allowed.logical_and(key.gt(query - width));
        }
        return allowed.MoveToOuterDisposeScope();
    }
}
