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
        var names = WeightTransfer.HandWrittenNames(Config.Layers).ToArray();

        // The map covers both models exactly: every generated parameter once, every hand-written one once.
        Assert.Equal(2 + 12 * Config.Layers + 2, generated.Count);
        Assert.Equal(generated.Keys.Order(), names.Select(n => n.Generated).Order());
        Assert.Equal(hand.Keys.Order(), names.SelectMany(n => n.HandWritten).Order());
        foreach (var (name, handNames) in names)
        {
            using var expected = cat(handNames.Select(h => hand[h]).ToArray());
            TensorAssert.Close(expected, generated[name], 1e-5, name);
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
