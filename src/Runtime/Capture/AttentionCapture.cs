using System;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>
    /// Self-attention of the rows of <paramref name="input"/> (<c>[B·T, dim]</c>), added into <paramref name="output"/>:
    /// one GEMM for Q, K and V, one batched product over every (batch, head) pair for the scores (the additive mask
    /// and <paramref name="scoreBias"/> copied in first, so the product adds onto them), the softmax in place, one
    /// batched product for the weighted values, and the output projection added into the residual stream. The batched
    /// products run on oneDNN's matmul where it takes them (<see cref="OneDnnMatmul"/>), otherwise on MKL. Under bf16 mixed
    /// precision (the projection's), everything from the projection to the output projection is bf16, as the eager
    /// layer computes it without gradients: libtorch's bf16 softmax keeps its maximum and sum in fp32.
    /// </summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="attention">The layer.</param>
    /// <param name="input">Normalised rows, <c>[B·T, dim]</c>.</param>
    /// <param name="output">The residual stream's rows, <c>[B·T, dim]</c>; the attention output is added into it.</param>
    /// <param name="batch">B.</param>
    /// <param name="length">T.</param>
    /// <param name="scoreBias">A buffer added to the scores, broadcastable to <c>[B, H, T, T]</c> (a relative position
    /// bias with padded keys at −1e9, say), or null.</param>
    internal static void AttentionInto(CaptureGraph graph, Attention attention, Tensor input, Tensor output, long batch, long length, Tensor? scoreBias)
    {
        var options = attention.Options;
        if (options.IsCross || options.Rope || options.QkNorm || options.Prefix is not null || options.Window is not null || options.KeyHeads != options.QueryHeads)
        {
            throw new NotSupportedException("Capture plans cover multi-head self-attention yet (no cross-attention, RoPE, QK-norm, prefix, sliding window or grouped keys).");
        }
        if (attention.training && options.Dropout > 0)
        {
            throw new NotSupportedException($"Attention with dropout {options.Dropout} is in training mode; call eval() before capturing.");
        }
        LibTorchOperators.Require();
        long heads = options.QueryHeads, width = options.HeadWidth, pairs = batch * heads;
        if (scoreBias is not null)
        {
            RequireBroadcast("Attention's score bias", scoreBias, batch, heads, length, length);
        }
        var type = Precisions.ComputeType(attention.qkv!.Precision);
        if (options.Softmax1 && type != ScalarType.Float32)
        {
            throw new NotSupportedException("Capture plans compute softmax1 in fp32 only, but this layer runs in bf16 mixed precision.");
        }

        var packed = graph.Buffer(type, batch * length, 3 * heads * width);
        LinearInto(graph, attention.qkv!, input, packed, accumulate: false);
        var split = graph.Buffer(type, 3, pairs, length, width);
        var splitSource = graph.Keep(packed.view(batch, length, 3, heads, width).permute(2, 0, 3, 1, 4));
        var splitTarget = graph.Keep(split.view(3, batch, heads, length, width));
        graph.Add(() => splitTarget.copy_(splitSource));
        var queries = graph.Keep(split[0]);
        var keysTransposed = graph.Keep(split[1].transpose(1, 2));
        var values = graph.Keep(split[2]);

        var scores = graph.Buffer(type, pairs, length, length);
        var masked = MaskInto(graph, scores, batch, heads, length, options.Causal, scoreBias);
        graph.Add(BatchedProductStep(graph, scores, queries, keysTransposed, masked ? 1 : 0, options.Scaled ? 1 / Math.Sqrt(width) : 1));
        if (options.Softmax1)
        {
            Softmax1InPlace(graph, scores);
        }
        else
        {
            graph.Add(() => LibTorchOperators.SoftmaxInto(scores, scores));
        }

        var attended = graph.Buffer(type, pairs, length, width);
        graph.Add(BatchedProductStep(graph, attended, scores, values, 0, 1));
        var merged = graph.Buffer(type, batch, length, heads, width);
        var mergeSource = graph.Keep(attended.view(batch, heads, length, width).permute(0, 2, 1, 3));
        graph.Add(() => merged.copy_(mergeSource));
        LinearInto(graph, attention.proj, Matrix(graph, merged, heads * width), output, accumulate: true);
    }

    // Writes the causal mask and the score bias into the scores before each product adds onto them; false when
    // there is neither, and the product overwrites the scores instead.
    private static bool MaskInto(CaptureGraph graph, Tensor scores, long batch, long heads, long length, bool causal, Tensor? scoreBias)
    {
        var causalMask = causal ? CausalMask(graph, length, window: null, scores.dtype) : null;
        if (scoreBias is null && causalMask is null)
        {
            return false;
        }
        var perPair = graph.Keep(scores.view(batch, heads, length, length));
        var plus = graph.Scalar(1);
        graph.Add(() =>
        {
            if (scoreBias is null)
            {
                perPair.copy_(causalMask!);
                return;
            }
            perPair.copy_(scoreBias);
            if (causalMask is not null)
            {
                perPair.add_(causalMask, plus);
            }
        });
        return true;
    }

    // softmax1 over the last dimension in place: exp(s − m) / (exp(−m) + Σ exp(s − m)) with m = max(0, max s),
    // as the eager layer computes it; the row sums are a product with a column of ones.
    private static void Softmax1InPlace(CaptureGraph graph, Tensor scores)
    {
        long keys = scores.size(-1);
        var rows = graph.Keep(scores.view(-1, keys));
        var rowMax = graph.Buffer(ScalarType.Float32, rows.size(0), 1);
        var rowSum = graph.Buffer(ScalarType.Float32, rows.size(0), 1);
        var ones = graph.Keep(TorchSharp.torch.ones(keys, 1, ScalarType.Float32, graph.Device));
        var (zero, minus) = (graph.Scalar(0), graph.Scalar(-1));
        graph.Add(() =>
        {
            NativeInPlace.MaxOverLastInto(rows, rowMax);
            rowMax.clamp_min_(zero);
            rows.add_(rowMax, minus);
            rows.exp_();
            rowSum.addmm_(rows, ones, 0f, 1f);
            rowMax.neg_();
            rowMax.exp_();
            rowSum.add_(rowMax);
            rows.div_(rowSum);
        });
    }

    // [T, T] additive: 0 where query i sees key j (the causal mask of a whole pass, window included), −∞ elsewhere.
    private static Tensor CausalMask(CaptureGraph graph, long length, long? window, ScalarType type = ScalarType.Float32)
    {
        using var allowed = AttentionMasks.Causal(0, length, length, window, graph.Device);
        using var hidden = allowed.logical_not();
        return graph.Keep(zeros(new[] { length, length }, type, graph.Device).masked_fill_(hidden, float.NegativeInfinity));
    }

    private static void RequireBroadcast(string what, Tensor tensor, params long[] shape)
    {
        var fits = tensor.Dimensions <= shape.Length;
        for (var i = 1; fits && i <= tensor.Dimensions; i++)
        {
            var size = tensor.size(-i);
            fits = size == shape[^i] || size == 1;
        }
        if (!fits || tensor.dtype != ScalarType.Float32)
        {
            throw new ArgumentException($"{what} must be fp32 and broadcastable to [{string.Join(", ", shape)}], but is [{string.Join(", ", tensor.shape)}] {tensor.dtype}.");
        }
    }
}
