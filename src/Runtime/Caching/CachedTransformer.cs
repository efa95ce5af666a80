using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Caching;

/// <summary>
/// Decoding steps of a causal <see cref="TransformerBlock"/> or <see cref="TransformerStack"/> with key/value caches,
/// built from the layers' public parts: <c>norm1</c>, <c>attn</c> (through <see cref="CachedAttention"/>), the optional
/// cross-attention, <c>norm2</c> and <c>mlp</c>, with the same pre-norm residual wiring as the uncached forward.
/// Feeding a sequence in pieces gives, for every position, what the uncached forward gives on the whole sequence.
/// </summary>
/// <remarks>
/// Cross-attention layers recompute their memory's keys and values at every step (the memory is an input, not
/// cached). Conditioned (adaLN-zero) layers are not supported. Dropout is not applied: steps are for inference.
/// </remarks>
public static class CachedTransformer
{
    /// <summary>Runs every layer of <paramref name="stack"/> on the new positions <paramref name="x"/> <c>[B, t, Dim]</c>.</summary>
    /// <param name="stack">A stack of causal self-attention layers.</param>
    /// <param name="x">The new positions' input.</param>
    /// <param name="cache">One cache per layer; each grows by t positions.</param>
    /// <param name="positions">Rotary positions of the new positions, <c>[t]</c> or <c>[B, t]</c>; default continues from <c>cache.Length</c>.</param>
    /// <param name="memory">Memory for layers with cross-attention, <c>[B, S, MemoryDim]</c>.</param>
    /// <param name="memoryPadding">Key padding of the memory, <c>[B, S]</c>.</param>
    /// <returns>The stack's output for the new positions, <c>[B, t, Dim]</c>.</returns>
    public static Tensor Step(TransformerStack stack, Tensor x, TransformerCache cache, Tensor? positions = null, Tensor? memory = null, Tensor? memoryPadding = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.LayerCount != stack.Layers.Count)
        {
            throw new ArgumentException($"The stack has {stack.Layers.Count} layers but the cache was made for {cache.LayerCount}.", nameof(cache));
        }
        ArgumentNullException.ThrowIfNull(x);
        long past = cache.Length;
        try
        {
            using var scope = NewDisposeScope();
            var ids = positions ?? arange(past, past + x.shape[1], device: x.device);
            var current = x;
            for (var i = 0; i < stack.Layers.Count; i++)
            {
                current = Step(stack.Layers[i], current, cache[i], ids, memory, memoryPadding);
            }
            return current.MoveToOuterDisposeScope();
        }
        catch
        {
            // Layers before the failing one have grown; all layers must keep holding the same positions.
            cache.Truncate(past);
            throw;
        }
    }

    /// <summary>Runs one layer on the new positions <paramref name="x"/> <c>[B, t, Dim]</c>.</summary>
    /// <param name="layer">A causal self-attention layer.</param>
    /// <param name="x">The new positions' input.</param>
    /// <param name="cache">The layer's cache; it grows by t positions.</param>
    /// <param name="positions">Rotary positions of the new positions; default continues from <c>cache.Length</c>.</param>
    /// <param name="memory">Memory when the layer has cross-attention.</param>
    /// <param name="memoryPadding">Key padding of the memory.</param>
    /// <returns>The layer's output for the new positions.</returns>
    public static Tensor Step(TransformerBlock layer, Tensor x, KeyValueCache cache, Tensor? positions = null, Tensor? memory = null, Tensor? memoryPadding = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(x);
        if (layer.ada is not null)
        {
            throw new NotSupportedException("Cached steps of conditioned (adaLN-zero) layers are not supported.");
        }
        if (layer.cross_attn is not null != memory is not null)
        {
            throw new ArgumentException(layer.cross_attn is null ? "This layer has no cross-attention: pass no memory." : "This layer cross-attends: pass its memory.", nameof(memory));
        }
        long past = cache.Length;
        try
        {
            using var scope = NewDisposeScope();
            var hidden = x + CachedAttention.Step(layer.attn, layer.norm1.forward(x), cache, positions);
            if (layer.cross_attn is not null)
            {
                hidden = hidden + layer.cross_attn.forward(layer.cross_norm!.forward(hidden), memory, padding: memoryPadding);
            }
            var output = hidden + layer.mlp.forward(layer.norm2.forward(hidden));
            return output.MoveToOuterDisposeScope();
        }
        catch
        {
            cache.Truncate(past); // the self-attention step has already appended this step's keys
            throw;
        }
    }
}
