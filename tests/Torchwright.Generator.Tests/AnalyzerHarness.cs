using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Torchwright.Generator.Analyzers;

namespace Torchwright.Generator.Tests;

/// <summary>Runs Torchwright's analyzers on sources compiled like the generator tests compile them.</summary>
internal static class AnalyzerHarness
{
    public static ImmutableArray<Diagnostic> Diagnostics(params string[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ContractAnalyzer());
        var result = compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return result.Where(d => d.Id.StartsWith("TW") || d.Id == "AD0001").ToImmutableArray();
    }
}
