using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>bf16 mixed precision: close to fp32, fp32 where it matters, weights cast once for inference.</summary>
public class ByteGptPrecisionTests
{
    private static (ByteGpt, Tensor) Setup()
    {
        manual_seed(21);
        var model = new ByteGpt(new ByteGptConfig(Context: 32, Dim: 64, Heads: 4, Layers: 2));
        var ids = randint(0, 256, new long[] { 2, 32 }, dtype: ScalarType.Int64, generator: new Generator(21));
        return (model, ids);
    }

    [Fact]
    public void Bf16_mixed_logits_are_fp32_and_within_2_percent_of_fp32()
    {
        var (model, ids) = Setup();
        using var _ = no_grad();
        using var full = model.forward(ids);

        model.Precision = Precision.BFloat16Mixed;
        using var mixed = model.forward(ids);

        Assert.Equal(ScalarType.Float32, mixed.dtype);
        var relative = ((mixed - full).norm() / full.norm()).item<float>();
        Assert.True(relative < 2e-2, $"relative error {relative:G3}");
        Assert.True(relative > 1e-6, $"relative error {relative:G3}: the bf16 path did not run");
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype)); // master weights stay fp32
    }

    [Fact]
    public void Precision_reaches_every_linear_layer_and_the_attribute_sets_the_default()
    {
        var (model, _) = Setup();

        model.Precision = Precision.BFloat16Mixed;

        var linears = model.modules().OfType<Linear>().ToList();
        Assert.Equal(2 * 4 + 1, linears.Count); // per layer qkv, proj, fc1, fc2; the tied head
        Assert.All(linears, linear => Assert.Equal(Precision.BFloat16Mixed, linear.Precision));
        using var declared = new MixedTagger(new MixedTaggerConfig());
        Assert.Equal(Precision.BFloat16Mixed, declared.Precision);
        Assert.All(declared.modules().OfType<Linear>(), linear => Assert.Equal(Precision.BFloat16Mixed, linear.Precision));
    }

    [Fact]
    public void Cached_weight_casts_give_the_same_logits_and_are_dropped_afterwards()
    {
        var (model, ids) = Setup();
        model.Precision = Precision.BFloat16Mixed;
        using var _ = no_grad();
        using var uncached = model.forward(ids);

        Tensor first, second;
        var liveBefore = LiveTensors;
        using (model.CacheCastWeights())
        {
            first = model.forward(ids);
            var live = LiveTensors;
            Assert.True(live > liveBefore + 1, "precondition: the first call keeps its casts beside the result");
            second = model.forward(ids);
            Assert.Equal(live + 1, LiveTensors); // no new casts, only the result
        }
        Assert.Equal(liveBefore + 2, LiveTensors); // the casts are gone; the two results remain

        using (first)
        using (second)
        {
            Assert.True(uncached.equal(first).all().item<bool>());
            Assert.True(first.equal(second).all().item<bool>());
        }
    }

    // Tensors created on this thread and not yet disposed.
    private static long LiveTensors => TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void Bf16_mixed_training_step_updates_fp32_master_weights()
    {
        var (model, ids) = Setup();
        model.Precision = Precision.BFloat16Mixed;
        using var optimizer = optim.AdamW(model.parameters(), 1e-3);
        var before = model.parameters().First().detach().clone();

        using (var logits = model.forward(ids))
        using (var loss = nn.functional.cross_entropy(logits.view(-1, 256), ids.view(-1)))
        {
            Assert.Equal(ScalarType.Float32, loss.dtype);
            loss.backward();
        }
        optimizer.step();

        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
        Assert.False(before.equal(model.parameters().First()).all().item<bool>());
    }
}

public sealed record MixedTaggerConfig(int Dim = 16, int Tags = 3);

[Model(typeof(MixedTaggerConfig), Precision = Precision.BFloat16Mixed)]
public partial class MixedTagger
{
    [Linear("Dim", "Tags")]
    private partial Tensor Classify(Tensor x);

    [Forward]
    public Tensor Forward([Shape("B,Dim")] Tensor x) => Classify(x);
}
