using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// Up to this many query rows over all (batch, head) pairs, the scores of every pair come from one product with
    /// the cross-pair blocks masked out: the wasted multiply-adds cost less than one call per pair.
    /// </summary>
    internal const long BlockDiagonalRowLimit = 256;

    /// <summary>
    /// Self-attention of the rows of <paramref name="input"/> (<c>[B·T, dim]</c>), added into <paramref name="output"/>.
    /// TorchSharp has no in-place batched product (<c>baddbmm_</c>): small problems use one <c>addmm_</c> over all
    /// (batch, head) pairs with a block-diagonal mask, larger ones one <c>addmm_</c> per pair on views prepared at
    /// capture time. The softmax runs in place over the scores buffer.
    /// </summary>
    internal static void AttentionInto(CaptureGraph graph, Attention attention, Tensor input, Tensor output, long batch, long length)
    {
        var options = attention.Options;
        if (options.IsCross || options.Rope || options.QkNorm || options.Softmax1 || options.Prefix is not null || options.Window is not null || options.KeyHeads != options.QueryHeads)
        {
            throw new NotSupportedException("Capture plans cover plain multi-head self-attention yet (no RoPE, QK-norm, softmax1, prefix, sliding window or grouped keys).");
        }
        if (attention.training && options.Dropout > 0)
        {
            throw new NotSupportedException($"Attention with dropout {options.Dropout} is in training mode; call eval() before capturing.");
        }
        long heads = options.QueryHeads, width = options.HeadWidth, pairs = batch * heads, rows = pairs * length;
        var scale = options.Scaled ? (float)(1 / Math.Sqrt(width)) : 1f;

        var packed = graph.Buffer(ScalarType.Float32, batch * length, 3 * heads * width);
        LinearInto(graph, attention.qkv!, input, packed, accumulate: false);
        var split = graph.Buffer(ScalarType.Float32, 3, pairs, length, width);
        var splitSource = graph.Keep(packed.view(batch, length, 3, heads, width).permute(2, 0, 3, 1, 4));
        var splitTarget = graph.Keep(split.view(3, batch, heads, length, width));
        var attended = graph.Buffer(ScalarType.Float32, batch, heads, length, width);
        var merged = graph.Buffer(ScalarType.Float32, batch, length, heads, width);
        var mergeSource = graph.Keep(attended.permute(0, 2, 1, 3));
        graph.Add(() => splitTarget.copy_(splitSource));

        var blockDiagonal = pairs > 1 && rows <= BlockDiagonalRowLimit;
        var keys = blockDiagonal ? rows : length;
        var scores = graph.Buffer(ScalarType.Float32, rows, keys);
        var mask = blockDiagonal ? BlockDiagonalMask(graph, pairs, length, options.Causal) : options.Causal ? CausalMask(graph, length) : null;
        if (blockDiagonal || pairs == 1)
        {
            var queries = graph.Keep(split[0].view(rows, width));
            var keysTransposed = graph.Keep(split[1].view(rows, width).t());
            graph.Add(() => scores.addmm_(queries, keysTransposed, 0f, scale));
        }
        else
        {
            var (queries, keysTransposed, scoreBlocks) = (PairViews(graph, split[0], pairs), PairViews(graph, split[1], pairs, transpose: true), PairViews(graph, scores.view(pairs, length, length), pairs));
            graph.Add(() =>
            {
                for (var i = 0; i < scoreBlocks.Length; i++)
                {
                    scoreBlocks[i].addmm_(queries[i], keysTransposed[i], 0f, scale);
                }
            });
        }
        SoftmaxInPlace(graph, scores, mask);
        if (blockDiagonal || pairs == 1)
        {
            var values = graph.Keep(split[2].view(rows, width));
            var attendedRows = graph.Keep(attended.view(rows, width));
            graph.Add(() => attendedRows.addmm_(scores, values, 0f, 1f));
        }
        else
        {
            var (probabilities, values, outputs) = (PairViews(graph, scores.view(pairs, length, length), pairs), PairViews(graph, split[2], pairs), PairViews(graph, attended.view(pairs, length, width), pairs));
            graph.Add(() =>
            {
                for (var i = 0; i < outputs.Length; i++)
                {
                    outputs[i].addmm_(probabilities[i], values[i], 0f, 1f);
                }
            });
        }
        graph.Add(() => merged.copy_(mergeSource));
        LinearInto(graph, attention.proj, Matrix(graph, merged, heads * width), output, accumulate: true);
    }

    // Softmax over the last dimension of a [rows, keys] buffer, in place: max, subtract, exp, row sums by a product, divide.
    private static void SoftmaxInPlace(CaptureGraph graph, Tensor scores, Tensor? mask)
    {
        long rows = scores.size(0), keys = scores.size(1);
        var rowMax = graph.Buffer(ScalarType.Float32, rows, 1);
        var rowSum = graph.Buffer(ScalarType.Float32, rows, 1);
        var ones = graph.Keep(TorchSharp.torch.ones(keys, 1, ScalarType.Float32, graph.Device));
        var masked = mask is null ? null : graph.Keep(scores.view(-1, mask.size(0), keys));
        var (plus, minus) = (graph.Scalar(1), graph.Scalar(-1));
        graph.Add(() =>
        {
            masked?.add_(mask!, plus);
            NativeInPlace.MaxOverLastInto(scores, rowMax);
            scores.add_(rowMax, minus);
            scores.exp_();
            rowSum.addmm_(scores, ones, 0f, 1f);
            scores.div_(rowSum);
        });
    }

    // [T, T]: 0 on and below the diagonal, −∞ above.
    private static Tensor CausalMask(CaptureGraph graph, long length)
        => graph.Keep(full(length, length, float.NegativeInfinity, ScalarType.Float32, graph.Device).triu(1));

    // [P·T, P·T]: a query attends only to keys of its own (batch, head) pair, and causally within it when asked.
    private static Tensor BlockDiagonalMask(CaptureGraph graph, long pairs, long length, bool causal)
    {
        using var scope = NewDisposeScope();
        var index = arange(pairs * length, ScalarType.Int64, graph.Device);
        var pair = index.div(length, RoundingMode.floor);
        var position = index.remainder(length);
        var allowed = pair.unsqueeze(1).eq(pair.unsqueeze(0));
        if (causal)
        {
            allowed = allowed.logical_and(position.unsqueeze(0).le(position.unsqueeze(1)));
        }
        var mask = zeros(pairs * length, pairs * length, ScalarType.Float32, graph.Device).masked_fill(allowed.logical_not(), float.NegativeInfinity);
        return graph.Keep(mask.MoveToOuterDisposeScope());
    }

    // One kept [T, ·] view per (batch, head) pair of a [P, T, ·] buffer.
    private static Tensor[] PairViews(CaptureGraph graph, Tensor buffer, long pairs, bool transpose = false)
    {
        using var source = buffer;
        var views = new Tensor[pairs];
        for (var i = 0; i < pairs; i++)
        {
            using var view = source[i];
            views[i] = graph.Keep(transpose ? view.t() : view.alias());
        }
        return views;
    }
}
