using System.Linq;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;
using BlockLinear = Torchwright.Runtime.Blocks.Linear;
using BlockEmbedding = Torchwright.Runtime.Blocks.Embedding;
using BlockLayerNorm = Torchwright.Runtime.Blocks.LayerNorm;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>Norms, feed-forward layers, embeddings and positions against their definitions.</summary>
public class LayerParityTests
{
    private static Tensor Input(long seed, params long[] shape) => randn(shape, generator: new Generator((ulong)seed));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Linear_with_and_without_bias(bool bias)
    {
        using var layer = new BlockLinear(8, 5, bias);
        ParityCheck.Verify(layer, new[] { Input(1, 2, 3, 8) }, i => layer.forward(i[0]),
            (w, i) => Independent.Linear(i[0], w["weight"], bias ? w["bias"] : null));
    }

    [Fact]
    public void Linear_tied_to_an_embedding_uses_and_trains_its_table()
    {
        using var pair = new TiedPair();
        var ids = tensor(new long[] { 1, 4, 2, 0, 3, 3 }).view(2, 3);
        ParityCheck.Verify(pair, new[] { ids }, i => pair.Head.forward(pair.Embed.forward(i[0])),
            (w, i) => Independent.Linear(w["embed.weight"].index_select(0, i[0].flatten()).view(2, 3, 6), w["embed.weight"], w["head.bias"]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LayerNorm_with_and_without_affine(bool affine)
    {
        using var layer = new BlockLayerNorm(8, affine);
        var input = Input(2, 2, 3, 8) * 3 + 1;
        if (!affine)
        {
            // No parameters: compare through a preceding linear layer so that gradients exist.
            using var wrapped = new LinearThen(layer);
            ParityCheck.Verify(wrapped, new[] { input }, i => wrapped.forward(i[0]),
                (w, i) => Independent.LayerNorm(Independent.Linear(i[0], w["linear.weight"], w["linear.bias"]), null, null, 1e-5));
            return;
        }
        ParityCheck.Verify(layer, new[] { input }, i => layer.forward(i[0]), (w, i) => Independent.LayerNorm(i[0], w["weight"], w["bias"], 1e-5));
    }

    [Fact]
    public void RmsNorm_has_no_mean_and_no_bias()
    {
        using var layer = new RmsNorm(8);
        ParityCheck.Verify(layer, new[] { Input(3, 2, 3, 8) + 2 }, i => layer.forward(i[0]), (w, i) => Independent.RmsNorm(i[0], w["weight"], 1e-6));
    }

    [Theory]
    [InlineData(Activation.Gelu, false)]
    [InlineData(Activation.GeluTanh, false)]
    [InlineData(Activation.Relu, false)]
    [InlineData(Activation.GeluTanh, true)] // T5 v1.1 gated-GELU
    [InlineData(Activation.Silu, true)] // SwiGLU
    public void Mlp_plain_and_gated(Activation activation, bool gated)
    {
        using var mlp = new Mlp(8, 12, activation, bias: true, gated: gated);
        ParityCheck.Verify(mlp, new[] { Input(4, 2, 3, 8) }, i => mlp.forward(i[0]), (w, i) =>
        {
            var widened = Independent.Linear(i[0], w["fc1.weight"], w["fc1.bias"]);
            Tensor Act(Tensor x) => activation switch
            {
                Activation.Gelu => Independent.Gelu(x),
                Activation.GeluTanh => Independent.GeluTanh(x),
                Activation.Silu => Independent.Silu(x),
                _ => x.relu(),
            };
            var hidden = gated ? Act(widened[.., .., ..12]) * widened[.., .., 12..] : Act(widened);
            return Independent.Linear(hidden, w["fc2.weight"], w["fc2.bias"]);
        });
    }

    [Fact]
    public void Embedding_and_learned_positions()
    {
        using var pair = new EmbedThenPositions();
        var ids = tensor(new long[] { 1, 4, 2, 0, 3, 3, 2, 1 }).view(2, 4);
        ParityCheck.Verify(pair, new[] { ids }, i => pair.Positions.forward(pair.Embed.forward(i[0])),
            (w, i) => w["embed.weight"].index_select(0, i[0].flatten()).view(2, 4, 6) + w["positions.weight"][..4]);
    }

    [Fact]
    public void Relative_position_buckets_match_the_integer_definition()
    {
        using var bias = new RelativePositionBias(heads: 2, buckets: 32, maxDistance: 128, bidirectional: true);
        using var causal = new RelativePositionBias(heads: 2, buckets: 32, maxDistance: 128, bidirectional: false);
        var distances = Enumerable.Range(-300, 601).Select(d => (long)d).ToArray();

        using var computed = bias.Bucket(tensor(distances));
        using var computedCausal = causal.Bucket(tensor(distances));

        Assert.Equal(distances.Select(d => Independent.T5Bucket(d, 32, 128, true)), computed.data<long>().ToArray());
        Assert.Equal(distances.Select(d => Independent.T5Bucket(d, 32, 128, false)), computedCausal.data<long>().ToArray());
    }

    [Fact]
    public void Relative_position_bias_gathers_by_original_positions()
    {
        using var bias = new RelativePositionBias(heads: 3);
        var kept = tensor(new long[] { 0, 2, 5, 9, 1, 3, 4, 8 }).view(2, 4); // original positions of kept tokens
        ParityCheck.Verify(bias, new[] { kept }, i => bias.forward(i[0]), (w, i) =>
        {
            var positions = i[0];
            var buckets = new long[2 * 4 * 4];
            for (var b = 0; b < 2; b++)
                for (var q = 0; q < 4; q++)
                    for (var k = 0; k < 4; k++)
                        buckets[(b * 4 + q) * 4 + k] = Independent.T5Bucket(positions[b, k].item<long>() - positions[b, q].item<long>(), 32, 128, true);
            return w["weight"].index_select(0, tensor(buckets)).view(2, 4, 4, 3).permute(0, 3, 1, 2);
        });
    }

    private sealed class TiedPair : nn.Module
    {
        public TiedPair() : base(nameof(TiedPair))
        {
            Embed = new BlockEmbedding(5, 6);
            Head = new BlockLinear(6, 5, bias: true, tiedTo: Embed);
            register_module("embed", Embed);
            register_module("head", Head);
        }

        public BlockEmbedding Embed { get; }

        public BlockLinear Head { get; }

        protected override void RegisterComponents()
        {
        }
    }

    private sealed class EmbedThenPositions : nn.Module
    {
        public EmbedThenPositions() : base(nameof(EmbedThenPositions))
        {
            Embed = new BlockEmbedding(5, 6);
            Positions = new LearnedPositions(7, 6);
            register_module("embed", Embed);
            register_module("positions", Positions);
        }

        public BlockEmbedding Embed { get; }

        public LearnedPositions Positions { get; }

        protected override void RegisterComponents()
        {
        }
    }

    private sealed class LinearThen : nn.Module<Tensor, Tensor>
    {
        private readonly BlockLinear linear = new(8, 8);
        private readonly Block next;

        public LinearThen(Block next) : base(nameof(LinearThen))
        {
            this.next = next;
            register_module("linear", linear);
            register_module("next", next);
        }

        public override Tensor forward(Tensor input) => next.forward(linear.forward(input));

        protected override void RegisterComponents()
        {
        }
    }
}
