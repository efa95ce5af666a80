using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Models.Gpt;

namespace Torchwright.Capture.Benchmarks;

/// <summary>A model size and the target replay must meet there.</summary>
/// <param name="Name">The size's name in run keys and the report.</param>
/// <param name="Batch">Sequences per call.</param>
/// <param name="Length">Sequence length, also the model's context.</param>
/// <param name="Dim">Model width.</param>
/// <param name="Layers">Transformer layers.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="TargetRatio">The least eager/replay time ratio the issue asks for.</param>
public sealed record BenchSize(string Name, int Batch, int Length, int Dim, int Layers, int Heads, double TargetRatio)
{
    public ByteGptConfig Config => new(Vocab: 256, Context: Length, Dim: Dim, Heads: Heads, Layers: Layers);

    /// <summary>Overhead-bound: the 1.2x target.</summary>
    public static readonly BenchSize Small = new("small", Batch: 1, Length: 32, Dim: 128, Layers: 2, Heads: 4, TargetRatio: 1.2);

    /// <summary>The block benchmark's medium size (bench/Torchwright.Benchmarks): replay must not be slower.</summary>
    public static readonly BenchSize Medium = new("medium", Batch: 8, Length: 128, Dim: 256, Layers: 4, Heads: 4, TargetRatio: 1.0);

    public static IReadOnlyList<BenchSize> All { get; } = new[] { Small, Medium };

    public static BenchSize Get(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"unknown size '{name}'", nameof(name));

    public override string ToString() => $"{Name} (B={Batch}, T={Length}, D={Dim}, {Layers} layers, {Heads} heads)";
}
