using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Torchwright.Analyzers.Benchmarks;

#pragma warning disable RS1001, RS1036, RS1041, RS2008 // A measuring baseline, never loaded by a compiler.

/// <summary>
/// An analyzer that asks for every method body and does nothing with it: what the analyzer driver and
/// the compiler's binding cost before any Torchwright analyzer does its own work.
/// </summary>
internal sealed class BaselineAnalyzer : DiagnosticAnalyzer
{
    // The driver skips an analyzer with nothing to report, so the baseline has a rule it never uses.
    private static readonly DiagnosticDescriptor Never = new("BASE001", "never", "never", "Baseline", DiagnosticSeverity.Warning, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationBlockAction(_ => { });
        context.RegisterSymbolAction(_ => { }, SymbolKind.NamedType);
    }
}
