namespace Torchwright.Models.FlexTok;

/// <summary>Settings of <see cref="FlexTokTraining"/>. The defaults follow the reference notes' tiny run (§5.6).</summary>
public sealed record FlexTokTrainingOptions
{
    /// <summary>Optimiser steps. Default 400.</summary>
    public int Steps { get; init; } = 400;

    /// <summary>Images per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak AdamW learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

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
