using Torchwright.Runtime;
using Torchwright.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace MyModel.Tests;

/// <summary>The model trains on its task, and its fused and reference paths compute the same thing.</summary>
public class MyModelTests
{
    [Fact]
    public void Fused_and_reference_paths_give_the_same_loss()
    {
        manual_seed(1);
        using var model = new MyModel(MyModelTask.DefaultConfig);
        var task = new MyModelTask(MyModelTask.DefaultConfig);
        model.eval();
        using var _ = no_grad();

        using var fused = task.Loss(model, new Random(5));
        model.Path = ForwardPath.Reference;
        using var reference = task.Loss(model, new Random(5));

        Assert.True(Math.Abs(fused.item<float>() - reference.item<float>()) < 1e-4,
            $"fused loss {fused.item<float>()} vs reference loss {reference.item<float>()}");
    }

    [Fact]
    public void A_short_training_run_lowers_the_loss()
    {
        manual_seed(2);
        using var model = new MyModel(MyModelTask.DefaultConfig);
        var task = new MyModelTask(MyModelTask.DefaultConfig);

        var result = Trainer.Run(model, step => task.Loss(model, step.Random),
            new TrainingOptions { Steps = 40, LearningRate = 3e-3, WarmupSteps = 3, WeightDecay = 0.01, ShowProgress = false });

        Assert.True(result.SmoothedFinalLoss < 0.8 * result.FirstLoss,
            $"loss went from {result.FirstLoss:F3} to {result.SmoothedFinalLoss:F3}; expected a drop of at least 20%");
    }
}
