using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Training;

/// <summary>Synthetic linear regression y = X w + b with batches sampled from the step's generator.</summary>
internal static class Regression
{
    public static readonly float[] TrueWeights = [1f, -2f, 3f, 0.5f];
    public const float TrueBias = 0.25f;

    /// <summary>
    /// A Linear(4, 1) initialised from its own generator: tests run in parallel, so the global torch
    /// generator (shared by the whole process) cannot make model initialisation reproducible.
    /// </summary>
    public static Linear NewModel(long seed)
    {
        var model = nn.Linear(4, 1);
        using var generator = new torch.Generator((ulong)seed);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            model.weight!.copy_(torch.rand(new long[] { 1, 4 }, generator: generator) - 0.5);
            model.bias!.copy_(torch.rand(new long[] { 1 }, generator: generator) - 0.5);
        }
        return model;
    }

    public static Tensor Loss(Linear model, TrainingStep step, int batch = 32, float scale = 1f)
    {
        var x = torch.randn(new long[] { batch, 4 }, generator: step.Generator);
        var w = torch.tensor(TrueWeights).reshape(4, 1);
        var y = (x.matmul(w) + TrueBias) * scale;
        return nn.functional.mse_loss(model.forward(x), y);
    }

    public static TrainingOptions Options(int steps = 150) => new()
    {
        Steps = steps,
        LearningRate = 0.05,
        WarmupSteps = 10,
        WeightDecay = 0,
        GradientClipNorm = null,
        Seed = 42,
        ShowProgress = false,
    };

    public static float[] Snapshot(nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        return model.parameters().SelectMany(p => p.detach().cpu().flatten().data<float>().ToArray()).ToArray();
    }
}
