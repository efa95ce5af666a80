using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Parsing;
using Torchwright.Generator.Shapes;
using Torchwright.Generator.Specs;

namespace Torchwright.Generator.Analyzers;

/// <summary>
/// Reports hyperparameters that cannot work (TW2xxx): the rules of <see cref="LayerConstraints"/> on
/// every built-in layer, checked with literals and the configuration's defaults; the same rules on the
/// layers of every used block, with the sizes the [Use] passes; and tied weights of different shapes.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HyperparameterAnalyzer : DiagnosticAnalyzer
{
    private const int MaxBlockDepth = 4;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.HeadsDoNotDivide, Descriptors.NonPositiveSize, Descriptors.TiedShapesDiffer,
        Descriptors.NonPositiveEpsilon, Descriptors.ProbabilityOutOfRange, Descriptors.InternalError);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var cache = new ModelCache();
            start.RegisterSymbolAction(symbol => Analyze(symbol, cache), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ModelCache cache)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (ModelContext.ModelAttribute(type) is null)
        {
            return;
        }
        try
        {
            if (cache.Get(type, context.CancellationToken) is not { } model)
            {
                return;
            }
            foreach (var diagnostic in Check(model, cache, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, type.Locations.FirstOrDefault(), type.Name, exception.GetType().Name + ": " + exception.Message));
        }
    }

    internal static IEnumerable<Diagnostic> Check(ModelContext model, ModelCache cache, CancellationToken cancellation)
    {
        foreach (var layer in model.Spec.Layers)
        {
            cancellation.ThrowIfCancellationRequested();
            if (LayerCatalogue.FromName(layer.Kind) is { } kind)
            {
                var attribute = model.LayerAttribute(layer.MethodName);
                foreach (var violation in LayerConstraints.Check(kind,
                    name => ModelContext.DimensionArgument(layer, kind, name),
                    name => ModelContext.RawArgument(layer, kind, name),
                    model.Known))
                {
                    var location = (attribute is null ? null : ModelParser.ArgumentLocation(attribute, violation.Constraint.Subject, cancellation))
                        ?? model.Method(layer.MethodName)?.Locations.FirstOrDefault();
                    yield return Diagnostic.Create(Descriptors.Get(violation.Constraint.DiagnosticId), location,
                        $"'{layer.MethodName}' ({kind.Name})", violation.Constraint.Requirement, violation.Detail);
                }
                if (CheckTied(model, layer, kind, cancellation) is { } tied)
                {
                    yield return tied;
                }
            }
            else if (layer.Block is not null && model.BlockType(layer) is { } blockType && cache.Get(blockType, cancellation) is { } block)
            {
                var location = model.LayerAttribute(layer.MethodName)?.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation()
                    ?? model.Method(layer.MethodName)?.Locations.FirstOrDefault();
                foreach (var diagnostic in CheckBlock(model, layer, block, model.BlockConfiguration(layer, block), cache, location,
                    $"'{layer.MethodName}' uses block '{block.Type.Name}', whose", 1, cancellation))
                {
                    yield return diagnostic;
                }
            }
        }
    }

    // The rules of a used block's layers, with the block's configuration members replaced by what the
    // enclosing [Use] passes; reported at the [Use], so that the model that chose the sizes hears of it.
    private static IEnumerable<Diagnostic> CheckBlock(ModelContext outer, LayerSpec use, ModelContext block, Func<string, SymDim?> configuration,
        ModelCache cache, Location? location, string path, int depth, CancellationToken cancellation)
    {
        if (depth > MaxBlockDepth)
        {
            yield break;
        }
        foreach (var layer in block.Spec.Layers)
        {
            // Blocks that use blocks many times over fan out: a long walk must still stop when the build is cancelled.
            cancellation.ThrowIfCancellationRequested();
            if (LayerCatalogue.FromName(layer.Kind) is { } kind)
            {
                SymDim? Dimension(string name)
                    => ModelContext.DimensionArgument(layer, kind, name) is { } inner ? Instantiate(inner, configuration) : null;
                foreach (var violation in LayerConstraints.Check(kind, Dimension, name => ModelContext.RawArgument(layer, kind, name), outer.Known))
                {
                    // Real-valued rules do not depend on the [Use]; the block's own analysis reports them.
                    if (violation.Constraint.DiagnosticId is "TW2004" or "TW2005")
                    {
                        continue;
                    }
                    yield return Diagnostic.Create(Descriptors.Get(violation.Constraint.DiagnosticId), location,
                        $"{path} layer '{layer.MethodName}' ({kind.Name})", violation.Constraint.Requirement, violation.Detail);
                }
            }
            else if (layer.Block is not null && block.BlockType(layer) is { } innerType && cache.Get(innerType, cancellation) is { } inner)
            {
                var innerConfiguration = block.BlockConfiguration(layer, inner);
                foreach (var diagnostic in CheckBlock(outer, use, inner, name => innerConfiguration(name) is { } value ? Instantiate(value, configuration) : null,
                    cache, location, $"{path} layer '{layer.MethodName}' uses block '{inner.Type.Name}', whose", depth + 1, cancellation))
                {
                    yield return diagnostic;
                }
            }
        }
    }

    /// <summary>A value over one namespace's names rewritten into another's; null when any name has no value there.</summary>
    internal static SymDim? Instantiate(SymDim value, Func<string, SymDim?> map)
    {
        foreach (var name in value.Symbols())
        {
            if (map(name) is null)
            {
                return null;
            }
        }
        return value.Rewrite(map);
    }

    // A Linear tied to an Embedding stores one weight: [OutFeatures, InFeatures] must be [Count, Dim].
    private static Diagnostic? CheckTied(ModelContext model, LayerSpec layer, LayerKind kind, CancellationToken cancellation)
    {
        if (layer.Kind != "Linear" || layer.Argument("TiedTo") is not { } target || model.Layer(target) is not { Kind: "Embedding" } embedding
            || LayerCatalogue.FromName("Embedding") is not { } embeddingKind)
        {
            return null;
        }
        var outFeatures = ModelContext.DimensionArgument(layer, kind, "OutFeatures");
        var inFeatures = ModelContext.DimensionArgument(layer, kind, "InFeatures");
        var count = ModelContext.DimensionArgument(embedding, embeddingKind, "Count");
        var dim = ModelContext.DimensionArgument(embedding, embeddingKind, "Dim");
        if (!SymDim.ProvablyDifferent(outFeatures, count, model.Known) && !SymDim.ProvablyDifferent(inFeatures, dim, model.Known))
        {
            return null;
        }
        var linearShape = SymShape.Closed(new[] { outFeatures, inFeatures }).Describe(model.Known);
        var embeddingShape = SymShape.Closed(new[] { count, dim }).Describe(model.Known);
        var attribute = model.LayerAttribute(layer.MethodName);
        var location = (attribute is null ? null : ModelParser.ArgumentLocation(attribute, "TiedTo", cancellation)) ?? model.Method(layer.MethodName)?.Locations.FirstOrDefault();
        return Diagnostic.Create(Descriptors.TiedShapesDiffer, location,
            $"'{layer.MethodName}' is tied to '{target}', but its weight [OutFeatures,InFeatures] is {linearShape} and the embedding's [Count,Dim] is {embeddingShape}");
    }
}
