using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Torchwright.Generator.Analyzers;

namespace Torchwright.Generator.CodeFixes;

/// <summary>
/// TW3007: adds <c>[Shape("...")]</c> to an unshaped tensor parameter of a [Forward] method, with the
/// shape the analyzer saw it used as (the first layer, block or forward it is passed to), or
/// <c>"..."</c> (any shape) when it saw none.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddShapeCodeFix)), Shared]
public sealed class AddShapeCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("TW3007");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var parameter = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<ParameterSyntax>().FirstOrDefault();
        if (root is null || parameter is null)
        {
            return;
        }
        foreach (var diagnostic in context.Diagnostics)
        {
            var shape = diagnostic.Properties.TryGetValue(ShapeAnalyzer.SuggestedShapeProperty, out var suggested) && !string.IsNullOrEmpty(suggested)
                ? suggested!
                : "...";
            context.RegisterCodeFix(
                CodeAction.Create($"Add [Shape(\"{shape}\")]", token => FixAsync(context.Document, root, parameter, shape, token),
                    equivalenceKey: nameof(AddShapeCodeFix)),
                diagnostic);
        }
    }

    private static Task<Document> FixAsync(Document document, SyntaxNode root, ParameterSyntax parameter, string shape, CancellationToken cancellation)
    {
        var name = ImportsTorchwright(parameter) ? "Shape" : "global::Torchwright.Shape";
        var attribute = SyntaxFactory.Attribute(SyntaxFactory.ParseName(name),
            SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.AttributeArgument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(shape))))));
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute));
        var first = parameter.GetFirstToken();
        var updated = parameter
            .WithoutLeadingTrivia()
            .WithAttributeLists(parameter.AttributeLists.Insert(0, list.WithTrailingTrivia(SyntaxFactory.Space)))
            .WithLeadingTrivia(first.LeadingTrivia);
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(parameter, updated)));
    }

    private static bool ImportsTorchwright(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            var usings = ancestor switch
            {
                CompilationUnitSyntax unit => unit.Usings,
                BaseNamespaceDeclarationSyntax ns => ns.Usings,
                _ => default,
            };
            if (usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == "Torchwright"))
            {
                return true;
            }
            if (ancestor is BaseNamespaceDeclarationSyntax { Name: var name } && (name.ToString() == "Torchwright" || name.ToString().StartsWith("Torchwright.", System.StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }
}
