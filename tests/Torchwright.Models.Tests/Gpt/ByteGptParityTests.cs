using System.Linq;
using Torchwright.Baselines;
using Torchwright.Models.Gpt;
using Torchwright.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>
/// The generated fused forward, the generated reference forward and an independent hand-written
/// TorchSharp GPT with the same weights compute the same logits and the same gradients.
/// </summary>
public class ByteGptParityTests
{
    private static readonly ByteGptConfig Config = ParityModels.Config;

    private static (ByteGpt Model, Tensor Ids, Tensor Targets) Setup(long seed) => ParityModels.Create(seed);

    [Fact]
    public void Fused_reference_and_hand_written_forwards_agree()
    {
        var (model, ids, _) = Setup(11);
        using var twin = WeightTransfer.HandWrittenTwin(model);
        using var _ = no_grad();

        using var fused = model.forward(ids);
        model.Path = ForwardPath.Reference;
        using var reference = model.forward(ids);
        using var handWritten = twin.forward(ids);

        TensorAssert.Close(reference, fused, 1e-5, "fused vs reference");
        TensorAssert.Close(handWritten, fused, 1e-5, "fused vs hand-written");
        using var spread = fused.std();
        Assert.True(spread.item<float>() > 0.1f, "logits are degenerate; the comparison would prove nothing");
    }

    [Fact]
    public void Gradients_of_every_parameter_agree_with_the_hand_written_model()
    {
        var (model, ids, targets) = Setup(12);
        using var twin = WeightTransfer.HandWrittenTwin(model);

        Backward(model.forward(ids), targets);
        Backward(twin.forward(ids), targets);

        var generated = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        var hand = twin.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        Assert.Equal(new[] { "blocks", "embed", "norm", "positions" },
            generated.Keys.Select(k => k.Split('.')[0]).Distinct().OrderBy(k => k));

        TensorAssert.Close(hand["wte.weight"], generated["embed.weight"], 1e-5, "embed.weight (tied with the head)");
        TensorAssert.Close(hand["wpe.weight"], generated["positions.weight"], 1e-5, "positions.weight");
        TensorAssert.Close(hand["ln_f.weight"], generated["norm.weight"], 1e-5, "norm.weight");
        for (var i = 0; i < Config.Layers; i++)
        {
            string g(string name) => $"blocks.{i}.{name}";
            string h(string name) => $"h.{i}.{name}";
            TensorAssert.Close(cat(new[] { hand[h("q_proj.weight")], hand[h("k_proj.weight")], hand[h("v_proj.weight")] }), generated[g("attn.qkv.weight")], 1e-5, g("attn.qkv.weight"));
            TensorAssert.Close(cat(new[] { hand[h("q_proj.bias")], hand[h("k_proj.bias")], hand[h("v_proj.bias")] }), generated[g("attn.qkv.bias")], 1e-5, g("attn.qkv.bias"));
            TensorAssert.Close(hand[h("out_proj.weight")], generated[g("attn.proj.weight")], 1e-5, g("attn.proj.weight"));
            TensorAssert.Close(hand[h("ln_1.weight")], generated[g("norm1.weight")], 1e-5, g("norm1.weight"));
            TensorAssert.Close(hand[h("ln_2.bias")], generated[g("norm2.bias")], 1e-5, g("norm2.bias"));
            TensorAssert.Close(hand[h("c_fc.weight")], generated[g("mlp.fc1.weight")], 1e-5, g("mlp.fc1.weight"));
            TensorAssert.Close(hand[h("c_proj.bias")], generated[g("mlp.fc2.bias")], 1e-5, g("mlp.fc2.bias"));
        }
    }

    [Fact]
    public void Reference_path_gradients_match_fused_path_gradients()
    {
        var (model, ids, targets) = Setup(13);
        Backward(model.forward(ids), targets);
        var fused = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.zero_grad();

        model.Path = ForwardPath.Reference;
        Backward(model.forward(ids), targets);

        foreach (var (name, parameter) in model.named_parameters())
        {
            TensorAssert.Close(fused[name], parameter.grad!, 1e-5, name);
        }
    }

    private static void Backward(Tensor logits, Tensor targets)
    {
        using (logits)
        using (var loss = nn.functional.cross_entropy(logits.view(-1, 256), targets.view(-1)))
        {
            loss.backward();
        }
    }
}
