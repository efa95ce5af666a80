using Torchwright.Runtime.Training;

namespace Torchwright.Models.FlexTok;

/// <summary>
/// Settings of <see cref="FlexTokTraining"/>. The reference notes' tiny run (§5.6) is 400 steps of 32 images at 1e-3
/// with AdamW; the defaults spend about the same time on 2,700 steps of 8 images, with Muon on the attention and MLP
/// matrices, because the tokens after the first learn to carry the image with the number and quality of the
/// updates, not with the number of images (see docs/models/flextok.md).
/// </summary>
public sealed record FlexTokTrainingOptions
{
    /// <summary>Optimiser steps. Default 2,700.</summary>
    public int Steps { get; init; } = 2700;

    /// <summary>Images per step. Default 8.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Peak AdamW learning rate (of every parameter Muon does not take). Default 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>
    /// Muon for the attention and MLP weight matrices; null trains every parameter with AdamW. Default: peak rate
    /// 4e-3, momentum 0.95, five Newton–Schulz steps.
    /// </summary>
    public MuonOptions? Muon { get; init; } = new() { LearningRate = 4e-3 };

    /// <summary>Linear warm-up steps. Default 20.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>Decoupled weight decay (AdamW and Muon). Default 0.1.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Seed of the initial weights and of every step's images, times and noise. Default 7.</summary>
    public long Seed { get; init; } = 7;

    /// <summary>Side of the synthetic images. Default 16.</summary>
    public int ImageSize { get; init; } = 16;

    /// <summary>The loss: nested dropout, null condition, semantic regularisation.</summary>
    public FlexTokObjectiveOptions Objective { get; init; } = new();

    /// <summary>Show live progress. Default false.</summary>
    public bool ShowProgress { get; init; }

    /// <summary>Where to write metrics and the loss plot; null writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Name of the run in the output. Default "flextok".</summary>
    public string RunName { get; init; } = "flextok";
}
