using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Models.Tests.Hat;

/// <summary>Item 3: after a short run HAT predicts far better than the byte unigram distribution, and as well as a byte-level GPT of its size.</summary>
[Collection(HatCollection.Name)]
public class HatLearningTests(HatTrainedModels trained, ITestOutputHelper output)
{
    [Fact]
    public void Hat_learns_as_well_as_a_byte_level_gpt_of_equal_size()
    {
        var models = trained.Models;
        var (byteGpt, gptSeconds) = HatTrainedModels.TrainByteGpt(models.TrainBytes);
        using var _ = byteGpt;
        var heldOut = Encoding.UTF8.GetBytes(models.HeldOutText);
        double hat = HatTrainedModels.HatBitsPerByte(models.Hat, heldOut);
        double gpt = HatTrainedModels.GptBitsPerByte(byteGpt, heldOut);
        output.WriteLine($"parameters: HAT {models.Hat.ParameterCount:N0}, GPT {byteGpt.ParameterCount:N0}; " +
            $"{HatTrainedModels.Steps} steps of {HatTrainedModels.Batch}×{HatTrainedModels.Window} bytes (HAT {models.HatSeconds:F1} s, GPT {gptSeconds:F1} s)");
        output.WriteLine($"held-out bits per byte: HAT {hat:F3}, GPT {gpt:F3} (HAT/GPT {hat / gpt:F3}); unigram entropy {models.UnigramEntropy:F3} (HAT {100 * (1 - hat / models.UnigramEntropy):F0}% below)");

        double sizeRatio = (double)models.Hat.ParameterCount / byteGpt.ParameterCount;
        Assert.InRange(sizeRatio, 0.95, 1.05);
        Assert.True(hat < 0.6 * models.UnigramEntropy, $"HAT {hat:F3} bits per byte is not 40% below the unigram entropy {models.UnigramEntropy:F3}");
        Assert.True(hat <= 1.1 * gpt, $"HAT {hat:F3} bits per byte is more than 10% above the GPT's {gpt:F3}");
    }
}
