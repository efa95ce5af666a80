using System.Collections.Generic;
using System.Linq;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>Whole transformer layers and stacks against a composition of the independent pieces.</summary>
public class TransformerParityTests
{
    private static Tensor Input(long seed, params long[] shape) => randn(shape, generator: new Generator((ulong)seed));

    [Fact]
    public void Gpt_style_layer()
    {
        var options = new TransformerOptions { Dim = 16, Heads = 4, Causal = true };
        using var layer = new TransformerBlock(options);
        ParityCheck.Verify(layer, new[] { Input(1, 2, 5, 16) }, i => layer.forward(i[0]), (w, i) => Layer(options, w, "", i[0]));
    }

    [Fact]
    public void T5_style_decoder_layer_with_cross_attention()
    {
        var options = new TransformerOptions
        {
            Dim = 16, Heads = 2, Causal = true, Norm = NormKind.RmsNorm, Bias = false, Scaled = false, Softmax1 = true,
            Gated = true, Activation = Activation.GeluTanh, MlpHidden = 24, MemoryDim = 12,
        };
        using var layer = new TransformerBlock(options);
        var padding = tensor(new[] { true, true, true, false, true, true, true, true }).view(2, 4);
        ParityCheck.Verify(layer, new[] { Input(2, 2, 5, 16), Input(3, 2, 4, 12), Input(4, 1, 2, 5, 5), padding, Input(5, 2, 1, 1, 4) },
            i => layer.forward(i[0], i[1], bias: i[2], memoryPadding: i[3], memoryBias: i[4]),
            (w, i) => Layer(options, w, "", i[0], i[1], bias: i[2], memoryPadding: i[3], memoryBias: i[4]));
    }

    [Fact]
    public void Flow_decoder_layer_with_adaln_zero_prefix_mask_rope_and_swiglu()
    {
        var options = new TransformerOptions
        {
            Dim = 16, Heads = 2, Prefix = 3, ConditionDim = 8, Rope = true, QkNorm = true, Gated = true, Activation = Activation.Silu,
        };
        using var layer = new TransformerBlock(options);
        ParityCheck.Verify(layer, new[] { Input(6, 2, 6, 16), Input(7, 2, 8) }, i => layer.forward(i[0], condition: i[1]),
            (w, i) => Layer(options, w, "", i[0], condition: i[1]));
    }

    [Fact]
    public void Stack_runs_its_layers_in_order()
    {
        var options = new TransformerOptions { Dim = 16, Heads = 2, Causal = true, Norm = NormKind.RmsNorm };
        using var stack = new TransformerStack(3, options);
        ParityCheck.Verify(stack, new[] { Input(8, 2, 5, 16) }, i => stack.forward(i[0]), (w, i) =>
        {
            var x = i[0];
            for (var l = 0; l < 3; l++)
            {
                x = Layer(options, w, $"{l}.", x);
            }
            return x;
        });
    }

    private static Tensor Layer(TransformerOptions o, IReadOnlyDictionary<string, Tensor> w, string prefix, Tensor x, Tensor? memory = null,
        Tensor? bias = null, Tensor? memoryPadding = null, Tensor? memoryBias = null, Tensor? condition = null)
    {
        IReadOnlyDictionary<string, Tensor> Sub(string name) => w.Where(p => p.Key.StartsWith(prefix + name + "."))
            .ToDictionary(p => p.Key[(prefix.Length + name.Length + 1)..], p => p.Value);
        Tensor Norm(string name, Tensor input) => o.ConditionDim is not null
            ? (o.Norm == NormKind.RmsNorm ? Independent.RmsNorm(input, null, 1e-6) : Independent.LayerNorm(input, null, null, 1e-6))
            : (o.Norm == NormKind.RmsNorm ? Independent.RmsNorm(input, w[prefix + name + ".weight"], 1e-6)
                : Independent.LayerNorm(input, w[prefix + name + ".weight"], w[prefix + name + ".bias"], 1e-5));
        Tensor[]? mod = null;
        if (condition is not null)
        {
            var count = memory is null ? 6 : 9;
            var projected = Independent.Linear(Independent.Silu(condition), w[prefix + "ada.weight"], w[prefix + "ada.bias"]);
            mod = Enumerable.Range(0, count).Select(k => projected[.., (int)(k * o.Dim)..(int)((k + 1) * o.Dim)].unsqueeze(1)).ToArray();
        }
        Tensor Residual(Tensor input, string norm, int first, System.Func<Tensor, Tensor> sublayer)
        {
            var normed = Norm(norm, input);
            if (mod is not null)
            {
                normed = normed * (1 + mod[first + 1]) + mod[first];
            }
            var output = sublayer(normed);
            return input + (mod is null ? output : output * mod[first + 2]);
        }
        var selfOptions = new AttentionOptions
        {
            Dim = o.Dim, Heads = o.Heads, KvHeads = o.KvHeads, Causal = o.Causal, Prefix = o.Prefix, Bias = o.Bias, QkNorm = o.QkNorm,
            Scaled = o.Scaled, Softmax1 = o.Softmax1, Rope = o.Rope,
        };
        var h = Residual(x, "norm1", 0, n => IndependentAttention.Run(selfOptions, Sub("attn"), n, bias: bias));
        if (memory is not null)
        {
            var crossOptions = selfOptions with { Causal = false, Prefix = null, Rope = false, MemoryDim = o.MemoryDim };
            h = Residual(h, "cross_norm", 6, n => IndependentAttention.Run(crossOptions, Sub("cross_attn"), n, memory, padding: memoryPadding, bias: memoryBias));
        }
        var hidden = o.MlpHidden ?? 4 * o.Dim;
        return Residual(h, "norm2", 3, n =>
        {
            var widened = Independent.Linear(n, w[prefix + "mlp.fc1.weight"], o.Bias ? w[prefix + "mlp.fc1.bias"] : null);
            Tensor Act(Tensor t) => o.Activation switch
            {
                Activation.GeluTanh => Independent.GeluTanh(t),
                Activation.Silu => Independent.Silu(t),
                Activation.Relu => t.relu(),
                _ => Independent.Gelu(t),
            };
            var activated = o.Gated ? Act(widened[.., .., ..(int)hidden]) * widened[.., .., (int)hidden..] : Act(widened);
            return Independent.Linear(activated, w[prefix + "mlp.fc2.weight"], o.Bias ? w[prefix + "mlp.fc2.bias"] : null);
        });
    }
}
