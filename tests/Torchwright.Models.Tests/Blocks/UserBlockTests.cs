using System;
using System.Linq;
using Torchwright.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks;

/// <summary>User [Block] classes expand like built-ins, nest, and keep their own names.</summary>
public class UserBlockTests
{
    [Fact]
    public void Nested_blocks_register_under_their_use_names()
    {
        using var model = new Tagger(new TaggerConfig());

        Assert.Equal(
            new[] { "wte.weight", "first.wi.weight", "first.wo.weight", "second.wi.weight", "second.wo.weight", "norm.weight", "classify.weight", "classify.bias" },
            model.state_dict().Keys);
        Assert.Equal(new long[] { 128, 32 }, model.state_dict()["first.wi.weight"].shape);
        Assert.Equal(new long[] { 64, 32 }, model.state_dict()["second.wi.weight"].shape);
    }

    [Fact]
    public void Forward_matches_the_maths_written_out_by_hand()
    {
        manual_seed(3);
        using var model = new Tagger(new TaggerConfig());
        using var ids = randint(0, 64, new long[] { 2, 7 }, dtype: ScalarType.Int64);
        var w = model.state_dict();
        using var _ = no_grad();

        using var logits = model.forward(ids);
        model.Path = ForwardPath.Reference;
        using var reference = model.forward(ids);

        using var scope = NewDisposeScope();
        Tensor Gated(Tensor x, string name)
        {
            var up = x.matmul(w[name + ".wi.weight"].t()).chunk(2, -1);
            return (nn.functional.gelu(up[0]) * up[1]).matmul(w[name + ".wo.weight"].t());
        }
        var h = w["wte.weight"].index_select(0, ids.flatten()).view(2, 7, 32);
        h = h + Gated(h, "first");
        h = h + Gated(h, "second");
        var normed = h / (h.square().mean(new long[] { -1 }, keepdim: true) + 1e-6).sqrt() * w["norm.weight"];
        var expected = normed.matmul(w["classify.weight"].t()) + w["classify.bias"];

        TensorAssert.Close(expected, logits, 1e-5, "generated vs written out");
        TensorAssert.Close(expected, reference, 1e-5, "reference path vs written out");
    }

    [Fact]
    public void Path_switch_reaches_layers_inside_nested_blocks()
    {
        using var model = new Tagger(new TaggerConfig());

        model.Path = ForwardPath.Reference;

        var blocks = model.modules().OfType<IForwardPathAware>().ToList();
        Assert.True(blocks.Count >= 7);
        Assert.All(blocks, block => Assert.Equal(ForwardPath.Reference, block.Path));
    }

    [Fact]
    public void Guard_reports_bound_values_for_a_wrong_dimension()
    {
        using var model = new GatedMlp(new GatedConfig(8, 16));
        using var x = zeros(2, 3, 9);

        var error = Assert.Throws<ArgumentException>(() => model.forward(x));

        Assert.Contains("GatedMlp.forward: argument 'x' has shape [2,3,9], expected [B,T,Dim] = [2,3,8]: dimension 2 (Dim) is 9, expected 8", error.Message);
    }
}
