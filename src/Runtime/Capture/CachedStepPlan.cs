using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// One decoding step of a causal <see cref="TransformerStack"/>, captured with a key/value cache of fixed capacity: the
/// cache, the rotary rows, the masks and every intermediate are allocated once. A step writes the new position's keys
/// and values into that position's cache slot and attends over all slots under a mask row that shows only the slots
/// up to it (and within the sliding window), so every step has the same shapes, as a CUDA graph needs. The position
/// picks prepared views and mask rows; the replayed region reads no value back and allocates nothing.
/// </summary>
/// <remarks>
/// Like <see cref="Caching.CachedAttention"/>, it equals the stack run on the whole sequence at that position. Covered:
/// pre-norm blocks with LayerNorm or RmsNorm, rotary positions, sliding windows, scaled or unscaled scores, any
/// built-in MLP. Not covered (refused when capturing): grouped-query heads, QK-norm, softmax1, prefixes,
/// cross-attention, conditioning, dropout in training mode.
/// </remarks>
public sealed class CachedStepPlan : CapturePlan
{
    private readonly CaptureInput input;
    private readonly StepPosition position;

    /// <summary>Captures a step of <paramref name="stack"/> for <c>[batch, 1, dim]</c> inputs and <paramref name="capacity"/> positions.</summary>
    /// <param name="stack">A stack of causal self-attention blocks.</param>
    /// <param name="batch">Sequences stepped together.</param>
    /// <param name="capacity">Positions the cache holds.</param>
    /// <param name="device">Where the buffers live.</param>
    /// <param name="owner">Names the step in error messages.</param>
    /// <param name="head">Records layers after the stack (a final norm and an output layer, say) from its
    /// <c>[batch, 1, dim]</c> output buffer, or null for the stack's output itself.</param>
    public CachedStepPlan(TransformerStack stack, long batch, long capacity, Device device, string owner,
        Func<CaptureGraph, Tensor, Tensor>? head = null) : base(owner, device)
    {
        ArgumentNullException.ThrowIfNull(stack);
        if (capacity < 1 || batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), $"{owner}: a step plan needs a batch and a capacity of at least one, got {batch} and {capacity}.");
        }
        var width = stack.Layers[0].Options.Dim;
        Capacity = capacity;
        position = new StepPosition();
        using var example = zeros(new[] { batch, 1, width }, ScalarType.Float32, device);
        input = Input("x", example);
        var stream = Graph.Buffer(ScalarType.Float32, batch, 1, width);
        var rows = Graph.Keep(stream.view(batch, width));
        var normed = Graph.Buffer(ScalarType.Float32, batch, width);
        Graph.Add(() => stream.copy_(input.Buffer));
        foreach (var layer in stack.Layers)
        {
            CaptureLayers.RecordCachedStep(Graph, layer, rows, normed, batch, capacity, position);
        }
        Seal(head is null ? stream : head(Graph, stream));
    }

    /// <summary>Positions the cache holds.</summary>
    public long Capacity { get; }

    /// <summary>Positions stepped so far: the next step runs at this position.</summary>
    public long Length { get; private set; }

    /// <summary>Runs the stack (and the head) for the position after the last one and returns the output, <c>[batch, 1, ·]</c>
    /// (the plan's buffer, overwritten by the next step).</summary>
    /// <param name="x">The new position's input, of the captured shape.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> has another shape, dtype or device; nothing was written.</exception>
    /// <exception cref="InvalidOperationException">The cache is full.</exception>
    public Tensor Step(Tensor x)
    {
        input.Check(x);
        if (Length >= Capacity)
        {
            throw new InvalidOperationException($"{Owner}: the cache holds {Capacity} positions and all are used; capture a plan with a larger capacity.");
        }
        input.Load(x);
        position.Current = (int)Length;
        Run();
        Length++;
        return Output;
    }

    /// <summary>Forgets every position from <paramref name="length"/> on; later steps overwrite their slots.</summary>
    /// <param name="length">Positions to keep, at most <see cref="Length"/>.</param>
    public void Truncate(long length)
    {
        if (length < 0 || length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"{Owner}: can keep 0 to {Length} positions.");
        }
        Length = length;
    }
}

/// <summary>The position a <see cref="CachedStepPlan"/> step runs at: its recorded steps index prepared views with it.</summary>
internal sealed class StepPosition
{
    public int Current { get; set; }
}
