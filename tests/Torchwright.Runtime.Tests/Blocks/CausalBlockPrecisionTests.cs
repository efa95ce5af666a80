using System;
using TorchSharp;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static Torchwright.Tests.AttentionRuns;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>
/// bf16 causal query blocks round where autocast's explicit scores round (products in bf16, weights rounded to bf16 for
/// the weighted sum) and keep only the bf16 weights for their backward, where autocast keeps the fp32 softmax too. On
/// the same bf16 queries, keys and values, their output and gradients are as close to exact fp32 attention as autocast's
/// recording is.
/// </summary>
public class CausalBlockPrecisionTests(ITestOutputHelper output)
{
    private const long Batch = 2, Heads = 4, Length = 300, Width = 64, Block = 128; // blocks of 128, 128 and 44 queries

    [Fact]
    public void Bf16_blocks_are_as_close_to_fp32_as_autocasts_explicit_scores()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(31);
        var inputs = new Tensor[3];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = randn(new[] { Batch, Heads, Length, Width }, generator: generator).to(ScalarType.BFloat16);
        }
        var incoming = randn(new[] { Batch, Heads, Length, Width }, generator: generator).to(ScalarType.BFloat16);
        var scale = 1.0 / Math.Sqrt(Width);
        var hidden = ones(Length, Length, ScalarType.Bool).triu(1);
        var mask = zeros(Length, Length).masked_fill(hidden, double.NegativeInfinity);

        var exact = Run(inputs, ScalarType.Float32, incoming, (q, k, v) => q.matmul(k.transpose(-2, -1)).mul(scale).add(mask).softmax(-1).matmul(v));
        var autocast = Run(inputs, ScalarType.BFloat16, incoming,
            (q, k, v) => q.matmul(k.transpose(-2, -1)).mul(scale).add(mask.to(ScalarType.BFloat16)).to(ScalarType.Float32).softmax(-1).to(ScalarType.BFloat16).matmul(v));
        var blocks = Run(inputs, ScalarType.BFloat16, incoming,
            (q, k, v) => CausalBlockAttention.Run(q, k, v, mask.to(ScalarType.BFloat16), scale, Block));

        var names = new[] { "output", "query gradient", "key gradient", "value gradient" };
        for (var j = 0; j < names.Length; j++)
        {
            var (blockError, autocastError) = (RelativeError(blocks[j], exact[j]), RelativeError(autocast[j], exact[j]));
            output.WriteLine($"{names[j]}: |bf16 − fp32| / |fp32|: blocks {blockError:G3}, autocast {autocastError:G3}");
            Assert.True(blockError <= 1.25 * autocastError, $"the blocks' {names[j]} is {blockError:G3} off fp32 against autocast's {autocastError:G3}");
        }
    }

    // The output and the query, key and value gradients of attention on copies of the inputs in the given type.
    private static Tensor[] Run(Tensor[] inputs, ScalarType type, Tensor incoming, Func<Tensor, Tensor, Tensor, Tensor> attention)
    {
        var (q, k, v) = (Leaf(inputs[0], type), Leaf(inputs[1], type), Leaf(inputs[2], type));
        var result = attention(q, k, v);
        result.backward(new[] { incoming.to(type) });
        return new[] { result.detach(), q.grad!, k.grad!, v.grad! };
    }

    private static Tensor Leaf(Tensor value, ScalarType type) => value.to(type).detach().requires_grad_();
}
