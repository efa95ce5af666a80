using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Emit;
using Torchwright.Generator.Parsing;
using Torchwright.Generator.Specs;

namespace Torchwright.Generator;

/// <summary>
/// Expands <c>[Model]</c> and <c>[Block]</c> classes into TorchSharp modules. The pipeline is
/// parse (symbols → equatable spec) then emit (spec → text); only the spec crosses the cache.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModuleGenerator : IIncrementalGenerator
{
    internal static readonly string Version = typeof(ModuleGenerator).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(LayerCatalogue.ModelAttribute, static (node, _) => true,
                static (ctx, token) => SafeParse(ctx, isBlock: false, token))
            .WithTrackingName(TrackingNames.Models);
        var blocks = context.SyntaxProvider
            .ForAttributeWithMetadataName(LayerCatalogue.BlockAttribute, static (node, _) => true,
                static (ctx, token) => SafeParse(ctx, isBlock: true, token))
            .WithTrackingName(TrackingNames.Blocks);

        // Roslyn compares hint names ignoring case, so types whose names differ only in case (Demo.Net.M and demo.Net.M)
        // need names of their own. The set of such names is nearly always empty, so adding a model re-emits nothing.
        var caseClashes = models.Select(static (r, _) => r.Spec?.Type.FullName).Collect()
            .Combine(blocks.Select(static (r, _) => r.Spec?.Type.FullName).Collect())
            .Select(static (pair, _) => CaseClashes(pair.Left.AddRange(pair.Right)));
        context.RegisterSourceOutput(models.Combine(caseClashes), static (output, pair) => Produce(output, pair.Left, pair.Right));
        context.RegisterSourceOutput(blocks.Combine(caseClashes), static (output, pair) => Produce(output, pair.Left, pair.Right));

        // Problems are reported at a place in the user's syntax tree, which only the compilation can give back
        // (the cached results hold plain file positions): #pragma and [SuppressMessage] need that tree. Types with
        // problems are few, so pairing them with every new compilation costs little; sources stay cached.
        var problems = models.Where(static r => r.Spec is null && r.Diagnostics.Count > 0).Collect()
            .Combine(blocks.Where(static r => r.Spec is null && r.Diagnostics.Count > 0).Collect())
            .Combine(context.CompilationProvider)
            .WithTrackingName(TrackingNames.CannotExpand);
        context.RegisterSourceOutput(problems, static (output, pair) =>
        {
            var ((modelProblems, blockProblems), compilation) = pair;
            foreach (var result in modelProblems.AddRange(blockProblems))
            {
                ReportCannotExpand(output, result, compilation);
            }
        });
    }

    private static ModelParseResult SafeParse(GeneratorAttributeSyntaxContext context, bool isBlock, CancellationToken token)
    {
        // Broken code can put the attribute on another member (e.g. a class whose 'class' keyword is missing reads as a
        // property); the compiler reports that misuse itself, so there is nothing to generate and nothing to add.
        if (context.TargetSymbol is not INamedTypeSymbol type || !ModelParser.IsFirstModelAttribute(type, context.Attributes[0]))
        {
            return new ModelParseResult(null, context.TargetSymbol.Name, EquatableArray<DiagnosticInfo>.Empty);
        }
        try
        {
            return ModelParser.Parse(type, context.Attributes[0], isBlock, token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A generator must never take the compiler down: report and generate nothing.
            var info = DiagnosticInfo.Create(Descriptors.InternalError, type.Locations.Length > 0 ? type.Locations[0] : null,
                type.Name, exception.GetType().Name + ": " + exception.Message);
            return new ModelParseResult(null, type.Name, new EquatableArray<DiagnosticInfo>(new[] { info }));
        }
    }

    private static void Produce(SourceProductionContext output, ModelParseResult result, EquatableArray<string> caseClashes)
    {
        if (result.Spec is not { } spec)
        {
            return; // reported with the compilation's syntax trees, below
        }
        string source;
        try
        {
            source = ModelEmitter.Emit(spec, Version);
        }
        catch (Exception exception)
        {
            output.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, Location.None, spec.Type.Name, exception.GetType().Name + ": " + exception.Message));
            return;
        }
        output.AddSource(HintName(spec.Type, caseClashes), source);
    }

    // One summary per type: the analyzers report every problem under its own ID, so listing them here
    // too would show each twice.
    private static void ReportCannotExpand(SourceProductionContext output, ModelParseResult result, Compilation compilation)
    {
        var first = result.Diagnostics[0];
        if (first.Id == Descriptors.InternalError.Id)
        {
            output.ReportDiagnostic(first.ToDiagnostic(compilation));
            return;
        }
        var more = result.Diagnostics.Count - 1;
        var reason = first.Arguments[0] + (more > 0 ? $" (and {more} more problem(s), each reported with its own TW ID)" : "") + $" [{first.Id}]";
        output.ReportDiagnostic(first.ToDiagnostic(Descriptors.CannotExpand, new[] { result.TypeName, reason }, compilation));
    }

    internal static string HintName(TypeSpec type, EquatableArray<string> caseClashes = default)
    {
        // Keyword escapes ('@event') are not allowed in hint names; without them the name is still the type's.
        var name = type.FullName.Replace("@", "").Replace('<', '_').Replace('>', '_');
        return caseClashes.Contains(type.FullName) ? $"{name}.{StableHash(type.FullName):x8}.g.cs" : name + ".g.cs";
    }

    /// <summary>The full names, in order, that equal another one only when case is ignored.</summary>
    private static EquatableArray<string> CaseClashes(ImmutableArray<string?> names)
        => names.OfType<string>().Distinct(StringComparer.Ordinal)
            .GroupBy(name => name, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .SelectMany(group => group)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToEquatableArray();

    // FNV-1a: the same in every process, unlike string.GetHashCode, so hint names do not change between builds.
    private static uint StableHash(string text)
    {
        var hash = 2166136261;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }
        return hash;
    }
}
