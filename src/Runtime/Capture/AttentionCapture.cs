using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// Self-attention of the rows of <paramref name="input"/> (<c>[B·T, dim]</c>), added into <paramref name="output"/>.
    /// TorchSharp has no in-place batched product (<c>baddbmm_</c>), so each (batch, head) pair gets its own
    /// <c>addmm_</c> on views prepared at capture time; the softmax runs in place over one scores buffer.
    /// </summary>
    internal static void AttentionInto(CaptureGraph graph, Attention attention, Tensor input, Tensor output, long batch, long length)
    {
        var options = attention.Options;
        if (options.IsCross || options.Rope || options.QkNorm || options.Softmax1 || options.Prefix is not null || options.KeyHeads != options.QueryHeads)
        {
            throw new NotSupportedException("Capture plans cover plain multi-head self-attention yet (no RoPE, QK-norm, softmax1, prefix or grouped keys).");
        }
        if (attention.training && options.Dropout > 0)
        {
            throw new NotSupportedException($"Attention with dropout {options.Dropout} is in training mode; call eval() before capturing.");
        }
        long heads = options.QueryHeads, width = options.HeadWidth, pairs = batch * heads;
        var scale = options.Scaled ? (float)(1 / Math.Sqrt(width)) : 1f;

        var packed = graph.Buffer(ScalarType.Float32, batch * length, 3 * heads * width);
        LinearInto(graph, attention.qkv!, input, packed, accumulate: false);
        var split = graph.Buffer(ScalarType.Float32, 3, pairs, length, width);
        var splitSource = graph.Keep(packed.view(batch, length, 3, heads, width).permute(2, 0, 3, 1, 4));
        var splitTarget = graph.Keep(split.view(3, batch, heads, length, width));
        var scores = graph.Buffer(ScalarType.Float32, pairs, length, length);
        var scoreRows = Matrix(graph, scores, length);
        var rowMax = graph.Buffer(ScalarType.Float32, pairs * length, 1);
        var rowSum = graph.Buffer(ScalarType.Float32, pairs * length, 1);
        var ones = graph.Keep(TorchSharp.torch.ones(length, 1, ScalarType.Float32, graph.Device));
        var mask = options.Causal ? graph.Keep(full(length, length, float.NegativeInfinity, ScalarType.Float32, graph.Device).triu(1)) : null;
        var attended = graph.Buffer(ScalarType.Float32, batch, heads, length, width);
        var merged = graph.Buffer(ScalarType.Float32, batch, length, heads, width);
        var mergeSource = graph.Keep(attended.permute(0, 2, 1, 3));
        var mergedRows = Matrix(graph, merged, heads * width);
        var attendedPairs = graph.Keep(attended.view(pairs, length, width));

        var queries = new Tensor[pairs];
        var keysTransposed = new Tensor[pairs];
        var values = new Tensor[pairs];
        var scoreViews = new Tensor[pairs];
        var outputs = new Tensor[pairs];
        for (var i = 0; i < pairs; i++)
        {
            queries[i] = graph.Keep(split[0, i]);
            keysTransposed[i] = graph.Keep(split[1, i].t());
            values[i] = graph.Keep(split[2, i]);
            scoreViews[i] = graph.Keep(scores[i]);
            outputs[i] = graph.Keep(attendedPairs[i]);
        }

        graph.Add(() =>
        {
            splitTarget.copy_(splitSource);
            for (var i = 0; i < queries.Length; i++)
            {
                scoreViews[i].addmm_(queries[i], keysTransposed[i], 0f, scale);
            }
            if (mask is not null)
            {
                scores.add_(mask);
            }
            NativeInPlace.MaxOverLastInto(scoreRows, rowMax);
            scoreRows.sub_(rowMax);
            scoreRows.exp_();
            rowSum.addmm_(scoreRows, ones, 0f, 1f);
            scoreRows.div_(rowSum);
            for (var i = 0; i < outputs.Length; i++)
            {
                outputs[i].addmm_(scoreViews[i], values[i], 0f, 1f);
            }
            merged.copy_(mergeSource);
        });
        LinearInto(graph, attention.proj, mergedRows, output, accumulate: true);
    }
}
