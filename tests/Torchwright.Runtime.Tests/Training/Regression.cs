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

    /// <summary>A Linear(4,16)–Dropout(0.2)–ReLU–Linear(16,1) net initialised from its own generator.</summary>
    public static nn.Module NewDropoutNet(long seed, int hidden = 16)
    {
        var model = nn.Sequential(("0", nn.Linear(4, hidden)), ("1", nn.Dropout(0.2)), ("2", nn.ReLU()), ("3", nn.Linear(hidden, 1)));
        using var generator = new torch.Generator((ulong)seed);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
                p.copy_(torch.rand(p.shape, generator: generator) - 0.5);
        }
        return model;
    }

    /// <summary>The regression loss of a <see cref="NewDropoutNet"/> on the step's batch of 32.</summary>
    public static Tensor DropoutNetLoss(nn.Module model, TrainingStep step)
    {
        var x = torch.randn(new long[] { 32, 4 }, generator: step.Generator);
        var y = x.matmul(torch.tensor(TrueWeights).reshape(4, 1)) + TrueBias;
        return nn.functional.mse_loss(((nn.Module<Tensor, Tensor>)model).forward(x), y);
    }

    /// <summary>Muon on the nets' weight matrices (AdamW keeps the biases), at rates that train them in 30 steps.</summary>
    public static MuonOptions MuonOnWeights => new() { LearningRate = 0.1, Selects = (name, _) => name.EndsWith(".weight", StringComparison.Ordinal) };

    public static float[] Snapshot(nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        return model.parameters().SelectMany(p => p.detach().cpu().flatten().data<float>().ToArray()).ToArray();
    }
}
