using System.Text;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>The quickstart's path in miniature: the generated model learns the embedded corpus.</summary>
public class ByteGptTrainingTests
{
    [Fact]
    public void Tiny_model_learns_synthetic_prose()
    {
        var config = new ByteGptConfig(Context: 32, Dim: 32, Heads: 2, Layers: 1);
        manual_seed(5);
        using var model = new ByteGpt(config);
        var batches = new ByteBatches(Encoding.UTF8.GetBytes(SyntheticText.Generate(50_000)), config.Context);
        var options = new TrainingOptions { Steps = 80, LearningRate = 3e-3, WarmupSteps = 5, Seed = 5, ShowProgress = false };

        var result = Trainer.Run(model, step =>
        {
            var (inputs, targets) = batches.Sample(8, step.Random);
            using var logits = model.forward(inputs);
            return nn.functional.cross_entropy(logits.view(-1, 256), targets.view(-1));
        }, options);

        Assert.InRange(result.FirstLoss, 5.0, 6.0); // ln 256 ≈ 5.55 at initialisation
        Assert.True(result.SmoothedFinalLoss < 0.6 * result.FirstLoss, $"loss went from {result.FirstLoss:F3} to {result.SmoothedFinalLoss:F3}");
    }
}
