using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Torchwright.Runtime.Blocks;

namespace Torchwright.Runtime.Training;

/// <summary>
/// Trains a model's hidden weight matrices with <see cref="FlatMuon"/> and every other parameter with AdamW
/// (<see cref="TrainingOptions.Muon"/>). Both follow the run's warm-up and cosine schedule; weight decay is
/// <see cref="TrainingOptions.WeightDecay"/> for both.
/// </summary>
public sealed record MuonOptions
{
    /// <summary>Peak learning rate of the Muon matrices (the schedule scales it like the AdamW one). Default 0.004.</summary>
    public double LearningRate { get; init; } = 4e-3;

    /// <summary>Momentum coefficient. Default 0.95.</summary>
    public double Momentum { get; init; } = 0.95;

    /// <summary>Orthogonalise the Nesterov look-ahead <c>g + μ·m</c> instead of the momentum. Default true.</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary>Newton–Schulz iterations per step. Default 5.</summary>
    public int NewtonSchulzSteps { get; init; } = 5;

    /// <summary>
    /// The precision of the Newton–Schulz products: <see cref="Precision.BFloat16Mixed"/> runs them in bf16 (the
    /// momentum and weights stay fp32). It pays where the CPU has bf16 matrix instructions — the FlexTok tokenizer's
    /// orthogonalisation took 3.1 ms instead of 5.3 ms on AVX-512 BF16, though it trained worse there
    /// (docs/models/flextok.md) — and may cost where it has none. Default <see cref="Precision.Float32"/>.
    /// </summary>
    public Precision Orthogonalisation { get; init; } = Precision.Float32;

    /// <summary>
    /// Which parameters Muon trains, by name and value; null selects <see cref="HiddenMatrices"/>. Only 2-D
    /// parameters may be selected.
    /// </summary>
    public Func<string, Parameter, bool>? Selects { get; init; }

    /// <summary>
    /// The default selection: the 2-D weights inside attention and MLP blocks (Q/K/V and output projections, the
    /// feed-forward matrices). Embeddings, position tables, heads and conditioning projections stay with AdamW.
    /// </summary>
    /// <param name="model">The model.</param>
    public static IReadOnlySet<Parameter> HiddenMatrices(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var selected = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (_, module) in model.named_modules())
        {
            if (module is not (Attention or Mlp)) continue;
            foreach (var parameter in module.parameters().Where(p => p.requires_grad && p.dim() == 2))
                selected.Add(parameter);
        }
        return selected;
    }

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Muon's learning rate must be positive and finite.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Muon's momentum must be in [0, 1).");
        if (NewtonSchulzSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(NewtonSchulzSteps), NewtonSchulzSteps, "Orthogonalisation needs at least one Newton–Schulz step.");
        if (!Enum.IsDefined(Orthogonalisation))
            throw new ArgumentOutOfRangeException(nameof(Orthogonalisation), Orthogonalisation, "Muon orthogonalises in Float32 or BFloat16Mixed.");
    }

    /// <summary>The trainable parameters of <paramref name="model"/> that Muon takes, in the model's order.</summary>
    internal IReadOnlyList<Parameter> Select(torch.nn.Module model)
    {
        if (Selects is null)
        {
            var hidden = HiddenMatrices(model);
            return model.parameters().Where(p => p.requires_grad && hidden.Contains(p)).ToArray();
        }
        var chosen = model.named_parameters().Where(x => x.parameter.requires_grad && Selects(x.name, x.parameter)).ToArray();
        foreach (var (name, parameter) in chosen)
        {
            if (parameter.dim() != 2)
                throw new ArgumentException($"Muon updates matrices, but the selection includes '{name}' of shape [{string.Join(",", parameter.shape)}].", nameof(Selects));
        }
        return chosen.Select(x => x.parameter).ToArray();
    }
}
