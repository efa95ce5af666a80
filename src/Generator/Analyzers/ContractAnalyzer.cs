using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Parsing;

namespace Torchwright.Generator.Analyzers;

/// <summary>
/// Reports contract misuse (TW1xxx) on [Model] and [Block] classes. It runs the generator's own parser,
/// so that what the analyzer accepts is exactly what the generator can expand.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContractAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Descriptors.All
        .Where(descriptor => descriptor.Id.StartsWith("TW1", StringComparison.Ordinal) || descriptor == Descriptors.InternalError)
        .ToImmutableArray();

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c
            && SymbolText.MetadataName(c) is LayerCatalogue.ModelAttribute or LayerCatalogue.BlockAttribute);
        if (attribute is null)
        {
            return;
        }
        try
        {
            var isBlock = SymbolText.MetadataName(attribute.AttributeClass!) == LayerCatalogue.BlockAttribute;
            foreach (var problem in ModelParser.Parse(type, attribute, isBlock, context.CancellationToken).Diagnostics)
            {
                context.ReportDiagnostic(problem.ToDiagnostic());
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An analyzer that throws shows up as AD0001 and hides every other finding: report instead.
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, type.Locations.FirstOrDefault(), type.Name, exception.GetType().Name + ": " + exception.Message));
        }
    }
}
