using System;
using System.Linq;
using Torchwright.Runtime;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks;

/// <summary>User [Block] classes expand like built-ins, nest, and keep their own names.</summary>
public class UserBlockTests(ITestOutputHelper output)
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
        using var model = new Tagger(new TaggerConfig());
        using var generator = new Generator(3);
        // Trained-looking weights from a private generator: at initialisation the blocks' output layers are so small
        // that leaving a block out would change the logits by less than the tolerance.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                using var noise = randn(parameter.shape, generator: generator).mul_(0.2);
                parameter.copy_(name == "norm.weight" ? noise.add_(1) : noise);
            }
        }
        using var ids = randint(0, 64, new long[] { 2, 7 }, dtype: ScalarType.Int64, generator: generator);
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
        Tensor WrittenOut(bool first, bool second)
        {
            var h = w["wte.weight"].index_select(0, ids.flatten()).view(2, 7, 32);
            if (first) h = h + Gated(h, "first");
            if (second) h = h + Gated(h, "second");
            var normed = h / (h.square().mean(new long[] { -1 }, keepdim: true) + 1e-6).sqrt() * w["norm.weight"];
            return normed.matmul(w["classify.weight"].t()) + w["classify.bias"];
        }
        var expected = WrittenOut(first: true, second: true);

        TensorAssert.Close(expected, logits, 1e-5, "generated vs written out");
        TensorAssert.Close(expected, reference, 1e-5, "reference path vs written out");
        // Guard: each nested block moves the logits far beyond the tolerance, so a skipped block would fail above.
        foreach (var (first, second) in new[] { (false, true), (true, false) })
        {
            var shift = (WrittenOut(first, second) - expected).abs().max().item<float>();
            output.WriteLine($"without {(first ? "second" : "first")} block: logits move by {shift:G3}");
            Assert.True(shift > 1e-2, $"leaving out a block (first {first}, second {second}) moves the logits by only {shift:G3}");
        }
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
