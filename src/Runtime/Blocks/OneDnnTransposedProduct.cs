using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// A narrowing fp32 product without gradients, <c>x·Wᵀ + b</c> with many inputs and few outputs, computed transposed:
/// <c>W·xᵀ</c> on oneDNN's matmul (<see cref="OneDnnMatmul"/>, which reads <c>xᵀ</c> as <c>x</c> lies), whose output is
/// as wide as <c>x</c> has rows, then the bias and one transposing copy into rows. oneDNN's kernels run a wide output far
/// better than a narrow one: with two threads, 8,192 rows of 2,048 → 512 (the large GPT's down-projection) took 49–50 ms
/// this way against 60–63 ms on the inner product, copy and residual add included, 1,024 → 512 and 1,024 → 256 1.1x
/// faster, 1,536 → 512 1.05–1.1x; 768 → 512 ran 0.8x and 4,096 → 1,024 0.88x (scratch, alternating, 2026-12-01),
/// hence <see cref="Narrowing"/>.
/// </summary>
internal static class OneDnnTransposedProduct
{
    private const long MaximumOutputs = 512;

    /// <summary>Whether <paramref name="inFeatures"/> → <paramref name="outFeatures"/> narrows enough for the transposed
    /// product to win: at most 512 outputs, at least twice as many inputs.</summary>
    public static bool Narrowing(long inFeatures, long outFeatures) => outFeatures <= MaximumOutputs && inFeatures >= 2 * outFeatures;

    /// <summary>Whether oneDNN's matmul takes this product transposed (whether it computes it right is
    /// <see cref="OneDnnVerdicts"/>'s question).</summary>
    /// <param name="rows">The input's rows as a matrix, <c>[rows, in]</c>, contiguous.</param>
    /// <param name="weight"><c>[out, in]</c>, contiguous.</param>
    public static bool Takes(Tensor rows, Tensor weight)
    {
        using var columns = rows.t();
        return OneDnnMatmul.Takes(weight, columns);
    }

    /// <summary><c>input·weightᵀ + bias</c>, <c>[.., in] → [.., out]</c>; <see cref="Takes"/> must have held for its rows.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        long outFeatures = weight.shape[0], inFeatures = weight.shape[1];
        using var rows = input.view(-1, inFeatures);
        using var columns = rows.t();
        using var transposed = empty(new[] { outFeatures, rows.shape[0] }, ScalarType.Float32, input.device);
        OneDnnMatmul.Into(transposed, weight, columns, beta: 0, alpha: 1);
        if (bias is not null)
        {
            using var biasColumn = bias.unsqueeze(1);
            transposed.add_(biasColumn);
        }
        var outputShape = (long[])input.shape.Clone();
        outputShape[^1] = outFeatures;
        var result = empty(outputShape, ScalarType.Float32, input.device);
        using var resultRows = result.view(-1, outFeatures);
        using var back = transposed.t();
        resultRows.copy_(back);
        return result;
    }
}
