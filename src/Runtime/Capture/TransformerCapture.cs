using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// Records a <see cref="TransformerStack"/> over a <c>[B, T, dim]</c> buffer: the residual stream is one
    /// buffer that every sublayer adds into; the norms' outputs share one scratch buffer.
    /// </summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="stack">The stack.</param>
    /// <param name="input">Its input buffer.</param>
    public static Tensor Record(CaptureGraph graph, TransformerStack stack, Tensor input) => Record(graph, stack, input, null);

    /// <summary>
    /// Records a <see cref="TransformerStack"/> whose every layer adds <paramref name="scoreBias"/> to its attention
    /// scores: a T5 relative position bias, say, with padded keys at −1e9 (the eager stack's padding and bias together).
    /// </summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="stack">The stack.</param>
    /// <param name="input">Its input buffer, <c>[B, T, dim]</c>.</param>
    /// <param name="scoreBias">A buffer broadcastable to <c>[B, heads, T, T]</c>, or null.</param>
    public static Tensor Record(CaptureGraph graph, TransformerStack stack, Tensor input, Tensor? scoreBias)
    {
        if (input.Dimensions != 3)
        {
            throw new ArgumentException($"TransformerStack expects [B, T, dim], but the captured input has shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        RequireFloat32("TransformerStack", input);
        long batch = input.size(0), length = input.size(1), width = input.size(2);
        var stream = graph.Buffer(ScalarType.Float32, input.shape);
        var rows = Matrix(graph, stream, width);
        var normed = graph.Buffer(ScalarType.Float32, batch * length, width);
        graph.Add(() => stream.copy_(input));
        foreach (var layer in stack.Layers)
        {
            // A layer reads the stream and the norm's output, both outside its scratch; every buffer it allocates is
            // its own, so the next layer reuses them.
            using var scratch = graph.LayerScratch();
            RecordLayer(graph, layer, rows, normed, batch, length, scoreBias);
        }
        return stream;
    }

    private static void RecordLayer(CaptureGraph graph, TransformerBlock layer, Tensor stream, Tensor normed, long batch, long length, Tensor? scoreBias)
    {
        var options = layer.Options;
        RequireWidth("TransformerBlock", stream, options.Dim);
        if (layer.cross_attn is not null || layer.ada is not null)
        {
            throw new NotSupportedException("Capture plans cover self-attention blocks without memory or conditioning yet.");
        }
        if (layer.training && options.Dropout > 0)
        {
            throw new NotSupportedException($"A TransformerBlock with dropout {options.Dropout} is in training mode; call eval() before capturing.");
        }
        NormInto(graph, layer.norm1, stream, normed);
        AttentionInto(graph, layer.attn, normed, stream, batch, length, scoreBias);
        NormInto(graph, layer.norm2, stream, normed);
        MlpInto(graph, layer.mlp, normed, stream);
    }
}
