using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;

namespace Torchwright.Analyzers.Benchmarks;

/// <summary>A full run (parse + generate + every analyzer) over the seed models in src/Models.</summary>
[MemoryDiagnoser]
public class AnalyzerBenchmark
{
    private ImmutableArray<(string Path, string Text)> sources;
    private ImmutableArray<MetadataReference> references;

    [GlobalSetup]
    public void Setup()
    {
        sources = FullRun.Sources(Program.ModelsDirectory());
        references = FullRun.References();
    }

    private static readonly ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> Baseline
        = ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new BaselineAnalyzer());

    /// <summary>What the issue asks for: parse, generate, and all four Torchwright analyzers.</summary>
    [Benchmark(Description = "full run")]
    public int FullRunOverModels() => FullRun.Run(sources, references).AnalyzerDiagnostics.Length;

    /// <summary>The same with an analyzer that does nothing: the compiler's binding and the driver, Torchwright's work left out.</summary>
    [Benchmark(Baseline = true, Description = "baseline")]
    public int BaselineOverModels() => FullRun.Run(sources, references, Baseline).AnalyzerDiagnostics.Length;
}
