namespace Torchwright.Models.Zett;

/// <summary>Settings of <see cref="FittedTokenRows.Fit"/>.</summary>
public sealed record RowFittingOptions
{
    /// <summary>Optimiser steps. Default 4,000.</summary>
    public int Steps { get; init; } = 4000;

    /// <summary>m: merges made on each training batch, the dynamic tokenization the rows are fitted for; 0 after a switch. Default 40.</summary>
    public int Merges { get; init; } = 40;

    /// <summary>Peak learning rate; the schedule decays it by cosine to zero. Default 3e-3.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Chunks per batch. Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Characters per chunk. Default 160.</summary>
    public int ChunkLength { get; init; } = 160;

    /// <summary>The most tokens that get rows of their own; later ones keep the hypernetwork's. Default 4,096.</summary>
    public int Capacity { get; init; } = 4096;

    /// <summary>Seed of the batches. Default 5.</summary>
    public int Seed { get; init; } = 5;

    /// <summary>Show live progress. Default false.</summary>
    public bool ShowProgress { get; init; }
}
