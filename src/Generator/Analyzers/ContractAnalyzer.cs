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

    // The parser keeps locations as plain values (file, span) for the generator's cache; reported as such
    // they would be file-less for the compiler, and neither #pragma nor .editorconfig could silence them.
    // Here the compilation is at hand, so the diagnostic goes back into its syntax tree.
    private static Diagnostic InSource(DiagnosticInfo problem, Compilation compilation)
    {
        var diagnostic = problem.ToDiagnostic();
        if (problem.Location is not { } place)
        {
            return diagnostic;
        }
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == place.FilePath && place.Span.End <= tree.Length)
            {
                var arguments = problem.Arguments.Cast<object>().ToArray();
                return Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, place.Span), diagnostic.Properties, arguments);
            }
        }
        return diagnostic;
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
                context.ReportDiagnostic(InSource(problem, context.Compilation));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An analyzer that throws shows up as AD0001 and hides every other finding: report instead.
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, type.Locations.FirstOrDefault(), type.Name, exception.GetType().Name + ": " + exception.Message));
        }
    }
}
