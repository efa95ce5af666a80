namespace Torchwright.Models.FlexTok;

/// <summary>
/// Settings of <see cref="FlexTokTraining"/>. The reference notes' tiny run (§5.6) is 400 steps of 32 images at 1e-3;
/// the defaults spend about the same time on 2,400 steps of 16 images at 2e-3, because the tokens after the first
/// learn to carry the image with the number of updates, not of images (see docs/models/flextok.md).
/// </summary>
public sealed record FlexTokTrainingOptions
{
    /// <summary>Optimiser steps. Default 2,400.</summary>
    public int Steps { get; init; } = 2400;

    /// <summary>Images per step. Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Peak AdamW learning rate. Default 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Linear warm-up steps. Default 20.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>AdamW weight decay. Default 0.</summary>
    public double WeightDecay { get; init; }

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
