using System;
using Torchwright.Models.MrT5;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.MrT5;

/// <summary>Small models and batches shared by the MrT5 tests. Weights come from a private generator, so other test
/// classes seeding torch's global generator at the same time cannot change them.</summary>
internal static class MrT5Fixtures
{
    public static readonly MrT5Config Small = new(Dim: 32, Heads: 2, FeedForward: 64, EncoderLayers: 3, DecoderLayers: 2, GateLayer: 1);

    public static MrT5Model Model(long seed, MrT5Config? config = null)
    {
        var model = new MrT5Model(config ?? Small);
        model.InitializeWeights(seed);
        return model;
    }

    /// <summary>Makes the gate decisive: |logit| becomes huge, so G is (to float precision) 0 or k for every token.</summary>
    public static void SaturateGate(MrT5Model model, double scale = 1e4)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name == "delete_gate.feed_forward.weight")
            {
                parameter.mul_(scale);
            }
            else if (name == "delete_gate.feed_forward.bias")
            {
                parameter.zero_();
            }
        }
    }

    public static void SetGateBias(MrT5Model model, double bias)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name == "delete_gate.feed_forward.bias")
            {
                parameter.fill_(bias);
            }
        }
    }

    /// <summary>Vowel-removal examples of 20–30 letters, so that the batch has padding.</summary>
    public static Seq2SeqBatch Batch(int seed, int count = 4)
        => Seq2SeqBatch.FromText(VowelRemoval.Sample(new Random(seed), count, minLength: 20, maxLength: 30));
}
