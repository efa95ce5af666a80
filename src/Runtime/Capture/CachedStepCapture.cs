using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// One block of a cached step: norm, Q/K/V for the new position (rotated by its position), its keys and values
    /// written into its cache slot, attention over every slot under the position's mask row, output projection, norm
    /// and MLP, each added into <paramref name="stream"/> (<c>[B, dim]</c>).
    /// </summary>
    internal static void RecordCachedStep(CaptureGraph graph, TransformerBlock layer, Tensor stream, Tensor normed, long batch, long capacity, StepPosition position)
    {
        var options = layer.attn.Options;
        if (layer.cross_attn is not null || layer.ada is not null || options.IsCross || !options.Causal || options.Prefix is not null
            || options.QkNorm || options.Softmax1 || options.KeyHeads != options.QueryHeads)
        {
            throw new NotSupportedException("A captured cached step covers causal multi-head self-attention blocks (no grouped keys, QK-norm, softmax1, prefix, memory or conditioning).");
        }
        if (layer.training && options.Dropout > 0)
        {
            throw new NotSupportedException($"A TransformerBlock with dropout {options.Dropout} is in training mode; call eval() before capturing.");
        }
        if (layer.attn.qkv!.Precision != Precision.Float32)
        {
            throw new NotSupportedException($"A captured cached step computes in fp32, but this layer runs in {layer.attn.qkv.Precision}; set the model's Precision to Float32 before capturing.");
        }
        LibTorchOperators.Require();
        long heads = options.QueryHeads, width = options.HeadWidth, pairs = batch * heads;
        var rotary = layer.attn.Rotary;
        if (rotary is not null && capacity > rotary.MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"The rotary table covers {rotary.MaxPositions} positions, fewer than the capacity.");
        }

        NormInto(graph, layer.norm1, stream, normed);
        var packed = graph.Buffer(ScalarType.Float32, batch, 3 * heads * width);
        LinearInto(graph, layer.attn.qkv!, normed, packed, accumulate: false);
        var query = graph.Keep(packed.narrow(1, 0, heads * width).view(batch, heads, width));
        var key = graph.Keep(packed.narrow(1, heads * width, heads * width).view(batch, heads, width));
        var value = graph.Keep(packed.narrow(1, 2 * heads * width, heads * width).view(batch, heads, width));

        var keys = graph.Buffer(ScalarType.Float32, batch, heads, capacity, width);
        var values = graph.Buffer(ScalarType.Float32, batch, heads, capacity, width);
        var keySlots = SlotViews(graph, keys, capacity);
        var valueSlots = SlotViews(graph, values, capacity);
        var rotatedQuery = graph.Buffer(ScalarType.Float32, batch, heads, width);
        if (rotary is null)
        {
            graph.Add(() =>
            {
                rotatedQuery.copy_(query);
                keySlots[position.Current].copy_(key);
            });
        }
        else
        {
            var rotatedKey = graph.Buffer(ScalarType.Float32, batch, heads, width);
            var table = RotaryRows(graph, rotary, capacity);
            var scratch = graph.Buffer(ScalarType.Float32, batch, heads, width / 2);
            var rotateQuery = Rotation(graph, table, query, rotatedQuery, scratch);
            var rotateKey = Rotation(graph, table, key, rotatedKey, scratch);
            graph.Add(() =>
            {
                rotateQuery(position.Current);
                rotateKey(position.Current);
                keySlots[position.Current].copy_(rotatedKey);
            });
        }
        graph.Add(() => valueSlots[position.Current].copy_(value));

        var masks = SlotMasks(graph, capacity, options.Window);
        var scores = graph.Buffer(ScalarType.Float32, pairs, 1, capacity);
        var queries = graph.Keep(rotatedQuery.view(pairs, 1, width));
        var keysTransposed = graph.Keep(keys.view(pairs, capacity, width).transpose(1, 2));
        var valueRows = graph.Keep(values.view(pairs, capacity, width));
        var attended = graph.Buffer(ScalarType.Float32, pairs, 1, width);
        var (one, zero) = (graph.NativeScalar(1), graph.NativeScalar(0));
        var scale = graph.NativeScalar(options.Scaled ? 1 / Math.Sqrt(width) : 1);
        graph.Add(() =>
        {
            scores.copy_(masks[position.Current]);
            LibTorchOperators.BatchedProductInto(scores, queries, keysTransposed, one, scale);
            LibTorchOperators.SoftmaxInto(scores, scores);
            LibTorchOperators.BatchedProductInto(attended, scores, valueRows, zero, one);
        });
        LinearInto(graph, layer.attn.proj, Matrix(graph, attended, heads * width), stream, accumulate: true);
        NormInto(graph, layer.norm2, stream, normed);
        MlpInto(graph, layer.mlp, normed, stream);
    }

    // The rotary table's cos and sin rows of every position up to the capacity, as kept views.
    private static (Tensor[] Cos, Tensor[] Sin) RotaryRows(CaptureGraph graph, Rope rotary, long capacity)
    {
        var (cosTable, sinTable) = rotary.Table(graph.Device);
        var cos = new Tensor[capacity];
        var sin = new Tensor[capacity];
        for (var p = 0; p < capacity; p++)
        {
            cos[p] = graph.Keep(cosTable[p]);
            sin[p] = graph.Keep(sinTable[p]);
        }
        return (cos, sin);
    }

    // The rotate-half rotation of source ([B, H, width]) by position p into target, as the eager layer computes it:
    // (x₁·cos − x₂·sin, x₂·cos + x₁·sin); the halves are views prepared here.
    private static Action<int> Rotation(CaptureGraph graph, (Tensor[] Cos, Tensor[] Sin) table, Tensor source, Tensor target, Tensor scratch)
    {
        var half = scratch.size(-1);
        var first = graph.Keep(source.narrow(2, 0, half));
        var second = graph.Keep(source.narrow(2, half, half));
        var firstOut = graph.Keep(target.narrow(2, 0, half));
        var secondOut = graph.Keep(target.narrow(2, half, half));
        var (minus, plus) = (graph.Scalar(-1), graph.Scalar(1));
        var (cos, sin) = table;
        return p =>
        {
            firstOut.copy_(first);
            firstOut.mul_(cos[p]);
            scratch.copy_(second);
            scratch.mul_(sin[p]);
            firstOut.add_(scratch, minus);
            secondOut.copy_(second);
            secondOut.mul_(cos[p]);
            scratch.copy_(first);
            scratch.mul_(sin[p]);
            secondOut.add_(scratch, plus);
        };
    }

    // The [B, H, width] view of every cache slot of a [B, H, capacity, width] buffer.
    private static Tensor[] SlotViews(CaptureGraph graph, Tensor cache, long capacity)
    {
        var views = new Tensor[capacity];
        for (var p = 0; p < capacity; p++)
        {
            views[p] = graph.Keep(cache.select(2, p));
        }
        return views;
    }

    // Row p of the whole pass's causal mask: 0 for the slots position p sees, −∞ for later slots, slots outside the
    // window and slots never written.
    private static Tensor[] SlotMasks(CaptureGraph graph, long capacity, long? window)
    {
        var table = CausalMask(graph, capacity, window);
        var rows = new Tensor[capacity];
        for (var p = 0; p < capacity; p++)
        {
            rows[p] = graph.Keep(table.narrow(0, p, 1));
        }
        return rows;
    }
}
