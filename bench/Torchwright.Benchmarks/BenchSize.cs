using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Models.Gpt;

namespace Torchwright.Benchmarks;

/// <summary>One model size of the benchmark: batch, sequence length (= context), width, depth, heads.</summary>
public sealed record BenchSize(string Name, int Batch, int Length, int Dim, int Layers, int Heads)
{
    public const int Vocab = 256;

    public ByteGptConfig Config => new(Vocab: Vocab, Context: Length, Dim: Dim, Heads: Heads, Layers: Layers);

    public long Tokens => (long)Batch * Length;

    public static readonly BenchSize Small = new("small", Batch: 1, Length: 64, Dim: 128, Layers: 2, Heads: 4);
    public static readonly BenchSize Medium = new("medium", Batch: 8, Length: 128, Dim: 256, Layers: 4, Heads: 4);
    public static readonly BenchSize Large = new("large", Batch: 16, Length: 512, Dim: 512, Layers: 4, Heads: 8);

    public static IReadOnlyList<BenchSize> All { get; } = new[] { Small, Medium, Large };

    public static BenchSize Get(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"unknown size '{name}'", nameof(name));

    public override string ToString() => $"{Name} (B={Batch}, T={Length}, D={Dim}, {Layers} layers, {Heads} heads)";
}
