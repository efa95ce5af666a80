using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Parsing;
using Torchwright.Generator.Shapes;

namespace Torchwright.Generator.Analyzers;

/// <summary>
/// Reports shape problems (TW3xxx): symbolic inference over every [Forward] body of a model or block
/// (<see cref="ShapeInference"/>), unshaped entry arguments, and layer-input [Shape]s that contradict
/// the layer's catalogue signature.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShapeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property of TW3007 diagnostics: the shape the code fix writes.</summary>
    public const string SuggestedShapeProperty = "SuggestedShape";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.ShapeMismatch, Descriptors.RankMismatch, Descriptors.ReturnShapeMismatch, Descriptors.IncompatibleOperands,
        Descriptors.ElementCountMismatch, Descriptors.DimensionOutOfRange, Descriptors.UncheckedEntryArgument,
        Descriptors.LayerShapeContradiction, Descriptors.InternalError);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var summaries = new ShapeSummaries(start.Compilation, new ModelCache());
            start.RegisterOperationBlockAction(block => AnalyzeForward(block, summaries));
            start.RegisterSymbolAction(symbol => AnalyzeLayerShapes(symbol, summaries.Models), SymbolKind.NamedType);
        });
    }

    private static bool IsForward(IMethodSymbol method)
        => method.GetAttributes().Any(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.ForwardAttribute);

    private static void AnalyzeForward(OperationBlockAnalysisContext context, ShapeSummaries summaries)
    {
        if (context.OwningSymbol is not IMethodSymbol { ContainingType: { } type } method || !IsForward(method)
            || ModelContext.ModelAttribute(type) is null)
        {
            return;
        }
        var body = context.OperationBlocks.OfType<IMethodBodyOperation>().FirstOrDefault()
            ?? (IOperation?)context.OperationBlocks.OfType<IBlockOperation>().FirstOrDefault();
        if (body is null)
        {
            return;
        }
        try
        {
            if (summaries.Models.Get(type, context.CancellationToken) is not { } model)
            {
                return;
            }
            foreach (var diagnostic in ShapeInference.Analyze(model, method, body, summaries, context.CancellationToken))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, method.Locations.FirstOrDefault(), type.Name, exception.GetType().Name + ": " + exception.Message));
        }
    }

    // A [Shape] on a layer method's parameter must agree with the layer's own signature.
    private static void AnalyzeLayerShapes(SymbolAnalysisContext context, ModelCache models)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (ModelContext.ModelAttribute(type) is null)
        {
            return;
        }
        try
        {
            if (models.Get(type, context.CancellationToken) is not { } model)
            {
                return;
            }
            foreach (var layer in model.Spec.Layers)
            {
                if (LayerCatalogue.FromName(layer.Kind) is not { } kind || model.Method(layer.MethodName) is not { } method)
                {
                    continue;
                }
                var argumentNames = new HashSet<string>(kind.Arguments.Select(a => a.Name), StringComparer.Ordinal);
                var unifier = new ShapeUnifier(argumentNames.Contains, name => ModelContext.DimensionArgument(layer, kind, name), model.Known);
                for (var i = 0; i < layer.Inputs.Count && i < method.Parameters.Length; i++)
                {
                    var input = layer.Inputs[i];
                    var role = input.Role is { } r ? kind.Inputs.FirstOrDefault(candidate => candidate.Name == r) : i < kind.Inputs.Length ? kind.Inputs[i] : null;
                    if (input.Shape is not { } text || ShapePattern.Parse(text) is not { } declared || role is null || ShapePattern.Parse(role.Shape) is not { } signature)
                    {
                        continue;
                    }
                    var received = ShapeInference.FromDeclared(declared);
                    if (unifier.Match(signature, received) == MatchKind.Compatible)
                    {
                        continue;
                    }
                    var attribute = method.Parameters[i].GetAttributes()
                        .FirstOrDefault(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.ShapeAttribute);
                    var location = attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                        ?? method.Parameters[i].Locations.FirstOrDefault();
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.LayerShapeContradiction, location,
                        input.Name, layer.MethodName, received.Describe(model.Known), kind.Name, unifier.Describe(signature)));
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, type.Locations.FirstOrDefault(), type.Name, exception.GetType().Name + ": " + exception.Message));
        }
    }
}

/// <summary>
/// Result shapes of forwards that declare none, inferred from their bodies once per compilation, so
/// that a model calling a block learns what the block returns.
/// </summary>
internal sealed class ShapeSummaries
{
    [ThreadStatic]
    private static HashSet<(INamedTypeSymbol, string)>? inProgress;

    // How often the guard above has cut a cycle on this thread. A summary computed while it cut one depends on the call
    // path that led to it (which method was in progress), so it is not cached: another path may compute it in full.
    [ThreadStatic]
    private static int cuts;

    private readonly Compilation compilation;
    private readonly ConcurrentDictionary<(INamedTypeSymbol Type, string Method, int Depth), SymShape?> cache = new();

    public ShapeSummaries(Compilation compilation, ModelCache models)
    {
        this.compilation = compilation;
        Models = models;
    }

    public ModelCache Models { get; }

    public SymShape? Get(ModelContext callee, string methodName, int depth, CancellationToken cancellation)
    {
        var key = (callee.Type, methodName, depth);
        if (cache.TryGetValue(key, out var known))
        {
            return known;
        }
        inProgress ??= new HashSet<(INamedTypeSymbol, string)>();
        if (!inProgress.Add((callee.Type, methodName)))
        {
            cuts++;
            return null;
        }
        try
        {
            var cutsBefore = cuts;
            var result = Compute(callee, methodName, depth, cancellation);
            if (cuts == cutsBefore)
            {
                cache.TryAdd(key, result);
            }
            return result;
        }
        finally
        {
            inProgress.Remove((callee.Type, methodName));
        }
    }

    private SymShape? Compute(ModelContext callee, string methodName, int depth, CancellationToken cancellation)
    {
        if (callee.Method(methodName) is not { } method)
        {
            return null;
        }
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellation) is not MethodDeclarationSyntax { } declaration
                || declaration.Body is null && declaration.ExpressionBody is null)
            {
                continue;
            }
            // Another method's body, possibly in another file: its semantic model is needed, once per summary.
#pragma warning disable RS1030 // The analysis is interprocedural; the context only offers the analyzed method's model.
            var semanticModel = compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
            if (semanticModel.GetOperation(declaration, cancellation) is { } body)
            {
                return ShapeInference.Summarize(callee, method, body, this, depth, cancellation);
            }
        }
        return null;
    }
}
