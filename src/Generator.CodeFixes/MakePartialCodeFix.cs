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

namespace Torchwright.Generator.CodeFixes;

/// <summary>TW1001: adds <c>partial</c> to the model or block class and to every enclosing type that lacks it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("TW1001");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var declaration = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
        if (declaration is null)
        {
            return;
        }
        foreach (var diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create("Make the type partial", token => FixAsync(context.Document.Project.Solution, context.Document, declaration, token),
                    equivalenceKey: nameof(MakePartialCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Solution> FixAsync(Solution solution, Document document, TypeDeclarationSyntax declaration, CancellationToken cancellation)
    {
        var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(declaration, cancellation) is not INamedTypeSymbol type)
        {
            return solution;
        }
        // Every declaration of the type and of its enclosing types, grouped by the document holding it.
        var references = Enumerable.Empty<SyntaxReference>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            references = references.Concat(current.DeclaringSyntaxReferences);
        }
        foreach (var group in references.GroupBy(reference => reference.SyntaxTree))
        {
            var target = solution.GetDocument(group.Key);
            if (target is null)
            {
                continue;
            }
            var root = await group.Key.GetRootAsync(cancellation).ConfigureAwait(false);
            var nodes = group.Select(reference => reference.GetSyntax(cancellation)).OfType<TypeDeclarationSyntax>()
                .Where(node => !node.Modifiers.Any(SyntaxKind.PartialKeyword));
            var updated = root.ReplaceNodes(nodes, (_, node) => AddPartial(node));
            solution = solution.WithDocumentSyntaxRoot(target.Id, updated);
        }
        return solution;
    }

    // "partial" goes last among the modifiers, right before the keyword: public sealed partial class.
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax node)
    {
        if (node.Modifiers.Count == 0)
        {
            var keyword = node.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return node.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }
        return node.WithModifiers(node.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
