using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Plain causal attention in blocks of queries, each against the keys up to its last query, with a backward written
/// out by hand. Recorded op by op, autograd would give every sliced key and value a full-size zero gradient per
/// block; here each block's products add straight into one gradient per input. The forward keeps each block's
/// softmax weights for the backward (about half of the full score matrix).
/// Backward of a block, with weights P, incoming gradient dO and s the score scale:
/// dV += Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(dO ⊙ O)), dQ = s·dS·K, dK += s·dSᵀ·Q.
/// Every product goes through <see cref="OneDnnMatmul.Multiply"/>: oneDNN's matmul where it takes the operands and a
/// check of the configuration passed, otherwise libtorch's (MKL's generic kernel, about half as fast here). One layer's
/// forward and backward with a random incoming gradient, head width 64, QKV projection included: B=16, H=8, T=512 300 ms
/// against 358 ms on MKL; B=8, H=4, T=128 in one block 10.8 ms against 12.0 ms, and 12.6 ms for explicit scores recorded
/// op by op (paired rounds in one process, two threads, scratch, 2026-12-02).
/// bf16, as autocast runs attention: the products in bf16 (oneDNN, through libtorch's matmul), the softmax in libtorch's
/// bf16 kernel (fp32 inside, the weights rounded once: an fp32 softmax cast to bf16, which is what autocast multiplies),
/// only those bf16 weights kept (autocast keeps the fp32 ones too), score gradients computed as autocast computes them
/// (in fp32 from dP and P, rounded once) and key and value gradients added up in fp32 (added in bf16, the keys' error
/// against fp32 grew 5 %). The large byte GPT's layer, B=16, H=8, T=512, forward and backward: 2.95x faster than
/// <c>scaled_dot_product_attention</c>, which ran there before, and 1.07x faster than explicit scores (188, 617 and
/// 343 ms; paired rounds, scratch, 2026-12-02).
/// </summary>
internal sealed class CausalBlockAttention : autograd.MultiTensorFunction<CausalBlockAttention>
{
    /// <inheritdoc/>
    public override string Name => nameof(CausalBlockAttention);

    /// <summary>Attention of <c>[B,H,T,hd]</c> queries, keys and values under the additive causal mask <c>[T,T]</c>.</summary>
    /// <param name="query">Queries.</param>
    /// <param name="key">Keys, as many heads as the queries.</param>
    /// <param name="value">Values, as many heads as the queries.</param>
    /// <param name="additiveMask">0 where query i sees key j, a large negative score elsewhere, <c>[T,T]</c>.</param>
    /// <param name="scale">Factor of the scores.</param>
    /// <param name="block">Queries per block.</param>
    public static Tensor Run(Tensor query, Tensor key, Tensor value, Tensor additiveMask, double scale, long block) =>
        apply(query, key, value, additiveMask, scale, block)[0];

    /// <summary>Bytes of softmax weights the forward keeps for the backward, in the inputs' element type.</summary>
    public static long SavedWeightBytes(long pairs, long length, long block, ScalarType type)
    {
        long values = 0;
        for (long start = 0; start < length; start += block)
        {
            var rows = Math.Min(block, length - start);
            values += rows * (start + rows);
        }
        return pairs * values * (type == ScalarType.Float32 ? sizeof(float) : sizeof(short));
    }

    /// <summary>The element types the blocks take: fp32, and bf16 as autocast runs it.</summary>
    public static bool Takes(ScalarType type) => type is ScalarType.Float32 or ScalarType.BFloat16;

    /// <summary>Whether oneDNN's matmul would take this layer's products and make the blocks pay: fp32 on a libtorch that
    /// exports it, more than one thread (test fixtures train on one and keep their figures on MKL), and a block's score
    /// product of at least <see cref="PayingMultiplyAdds"/>.</summary>
    /// <param name="pairs">Batch rows times heads.</param>
    /// <param name="block">Queries per block.</param>
    /// <param name="headWidth">Width of a head.</param>
    public static bool MultipliesOnOneDnn(long pairs, long block, long headWidth) =>
        OneDnnMatmul.Available && get_num_threads() > 1 && pairs * block * headWidth * block >= PayingMultiplyAdds;

    // Below this the blocks lost to explicit scores recorded op by op, though oneDNN multiplied their products: one layer
    // forward and backward, explicit / blocks 0.75–0.85x at 2.1M multiply-adds, 0.87–0.95x at 4.2M, 1.0x at 16.8M,
    // 1.04–1.18x at 33.6M (paired rounds, two threads, scratch, 2026-12-02).
    private const long PayingMultiplyAdds = 24L << 20;

    private static Tensor Product(Tensor left, Tensor right) => OneDnnMatmul.Multiply(left, right);

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (query, key, value, mask) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        var (scale, block) = ((double)vars[4], (long)vars[5]);
        using var noGrad = no_grad();
        long pairs = query.shape[0] * query.shape[1], length = query.shape[2], width = query.shape[3];
        var queries = query.reshape(pairs, length, width);
        var keys = key.reshape(pairs, length, width);
        var values = value.reshape(pairs, length, width);
        var output = empty(new[] { pairs, length, width }, value.dtype, value.device);
        var saved = new List<Tensor> { queries, keys, values, output };
        for (long start = 0; start < length; start += block)
        {
            var rows = Math.Min(block, length - start);
            using var scores = Product(queries.narrow(1, start, rows), keys.narrow(1, 0, start + rows).transpose(1, 2));
            scores.mul_(scale).add_(mask.narrow(0, start, rows).narrow(1, 0, start + rows));
            var weights = scores.softmax(-1);
            using var attended = Product(weights, values.narrow(1, 0, start + rows));
            output.narrow(1, start, rows).copy_(attended);
            saved.Add(weights);
        }
        ctx.save_for_backward(saved);
        ctx.save_data(nameof(scale), scale);
        ctx.save_data(nameof(block), block);
        ctx.save_data("shape", query.shape);
        return new List<Tensor> { output.view(query.shape) };
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        // The engine may call this outside any scope of the caller's: the views and saved copies die here.
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (queries, keys, values, output) = (saved[0], saved[1], saved[2], saved[3]);
        var scale = (double)ctx.get_data("scale");
        var block = (long)ctx.get_data("block");
        var shape = (long[])ctx.get_data("shape");
        long pairs = queries.shape[0], length = queries.shape[1], width = queries.shape[2];
        using var incoming = grads[0].reshape(pairs, length, width);
        var queryGrad = empty(new[] { pairs, length, width }, queries.dtype, queries.device);
        // Keys and values early in the sequence gather a part from every block: bf16 parts add up in fp32.
        var keyGrad = zeros(new[] { pairs, length, width }, ScalarType.Float32, keys.device);
        var valueGrad = zeros(new[] { pairs, length, width }, ScalarType.Float32, values.device);
        var index = 4;
        for (long start = 0; start < length; start += block, index++)
        {
            var rows = Math.Min(block, length - start);
            var span = start + rows;
            var weights = saved[index];
            using var blockGrad = incoming.narrow(1, start, rows);
            using (var valuePart = Product(weights.transpose(1, 2), blockGrad))
            {
                valueGrad.narrow(1, 0, span).add_(valuePart);
            }
            using var scoreGrad = Product(blockGrad, values.narrow(1, 0, span).transpose(1, 2));
            if (scoreGrad.dtype == ScalarType.Float32)
            {
                // rowsum(dO ⊙ O) equals rowsum(dP ⊙ P) and sums head-width values rather than span ones.
                using var rowDot = (blockGrad * output.narrow(1, start, rows)).sum(-1, keepdim: true);
                scoreGrad.sub_(rowDot).mul_(weights);
            }
            else
            {
                // bf16: as autocast's softmax backward computes it — in fp32, the row term from dP and P — rounded once for
                // the products. With the row term from the rounded output, rowsum(dO ⊙ O), the keys' gradients were 1.20x
                // as far from fp32 as autocast's (1.27x with every step rounded to bf16), against 1.14x so
                // (CausalBlockPrecisionTests).
                SoftmaxBackward.InPlace(scoreGrad, weights);
            }
            // The score scale goes onto the products, which are narrower than the scores.
            using (var queryPart = Product(scoreGrad, keys.narrow(1, 0, span)))
            {
                queryGrad.narrow(1, start, rows).copy_(queryPart.mul_(scale));
            }
            using var keyPart = Product(scoreGrad.transpose(1, 2), queries.narrow(1, start, rows));
            keyGrad.narrow(1, 0, span).add_(keyPart, alpha: scale);
        }
        return new List<Tensor>
        {
            queryGrad.view(shape).MoveToOuterDisposeScope(), keyGrad.to(keys.dtype).view(shape).MoveToOuterDisposeScope(),
            valueGrad.to(values.dtype).view(shape).MoveToOuterDisposeScope(), null!, null!, null!,
        };
    }
}
