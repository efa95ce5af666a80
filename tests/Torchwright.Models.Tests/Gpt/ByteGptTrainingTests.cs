using System.Text;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>The quickstart's path in miniature: the generated model learns the embedded corpus.</summary>
/// <remarks>Runs alone: ByteGpt initialises from torch's global seed (its learning figures are measured from that
/// initialisation), which parallel classes would otherwise draw from or re-seed between seeding and use.</remarks>
[Collection(nameof(GlobalRandomState))]
public class ByteGptTrainingTests(ITestOutputHelper output)
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

    /// <summary>
    /// bf16 mixed precision trains stably: 300 steps from the same weights on the same batches end within 2% of the
    /// fp32 loss (issue 3's target). The run uses a learning rate of 1e-3: at 3e-3 this tiny model trains at the edge
    /// of stability and the end loss depends chaotically on rounding — fp32 under the two attention kernels already
    /// differs there, and bf16 landed from 9% below to 6% above fp32 over three seeds, whereas at 1e-3 every seed and
    /// kernel ended within 0.1%. Run again with the chunked kernel forced, where bf16 training takes the causal query
    /// blocks with their own backward (which keep only bf16 weights and take score gradients from them), as it does by
    /// itself past 32 MB of scores.
    /// </summary>
    [Theory]
    [InlineData(AttentionKernel.Automatic)]
    [InlineData(AttentionKernel.ChunkedScores)]
    public void Bf16_mixed_training_ends_within_two_percent_of_fp32_after_300_steps(AttentionKernel kernel)
    {
        using var choice = AttentionKernelChoice.Use(kernel);
        var config = new ByteGptConfig(Context: 32, Dim: 64, Heads: 4, Layers: 2);
        manual_seed(9);
        using var fp32Model = new ByteGpt(config);
        using var mixedModel = new ByteGpt(config) { Precision = Precision.BFloat16Mixed };
        // Copied, not re-seeded: other test collections draw from torch's global generator in parallel.
        mixedModel.load_state_dict(fp32Model.state_dict());

        var fp32 = TrainSmall(fp32Model, config);
        var mixed = TrainSmall(mixedModel, config);

        var gap = System.Math.Abs(mixed.SmoothedFinalLoss - fp32.SmoothedFinalLoss) / fp32.SmoothedFinalLoss;
        output.WriteLine($"{kernel}, 300 steps: fp32 {fp32.FirstLoss:F4} → {fp32.SmoothedFinalLoss:F4}, bf16 mixed {mixed.FirstLoss:F4} → {mixed.SmoothedFinalLoss:F4} ({gap:P2} apart)");
        Assert.True(fp32.SmoothedFinalLoss < 0.6 * fp32.FirstLoss, $"fp32 did not learn: {fp32.FirstLoss:F3} → {fp32.SmoothedFinalLoss:F3}");
        Assert.True(gap < 0.02, $"bf16 mixed ended at {mixed.SmoothedFinalLoss:F4}, fp32 at {fp32.SmoothedFinalLoss:F4}: {gap:P2} apart");
    }

    private static TrainingResult TrainSmall(ByteGpt model, ByteGptConfig config)
    {
        var batches = new ByteBatches(Encoding.UTF8.GetBytes(SyntheticText.Generate(50_000)), config.Context);
        var options = new TrainingOptions { Steps = 300, LearningRate = 1e-3, WarmupSteps = 10, Seed = 9, ShowProgress = false };
        return Trainer.Run(model, step =>
        {
            var (inputs, targets) = batches.Sample(8, step.Random);
            using var logits = model.forward(inputs);
            return nn.functional.cross_entropy(logits.view(-1, 256), targets.view(-1));
        }, options);
    }
}
