using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Torchwright.Generator.CodeFixes;

/// <summary>
/// TW1004: replaces a misspelt configuration member in a dimension expression with the nearest member
/// name the analyzer suggested (<c>"Widht*2"</c> becomes <c>"Width*2"</c>). Only string literals are
/// rewritten; constants and <c>nameof</c> are left to the user.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ConfigMemberNameCodeFix)), Shared]
public sealed class ConfigMemberNameCodeFix : CodeFixProvider
{
    private const string UnknownName = "UnknownName";
    private const string Suggestion = "Suggestion";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("TW1004");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            return;
        }
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(UnknownName, out var unknown) || string.IsNullOrEmpty(unknown)
                || !diagnostic.Properties.TryGetValue(Suggestion, out var suggestion) || string.IsNullOrEmpty(suggestion))
            {
                continue;
            }
            var text = literal.Token.ValueText;
            var replaced = Regex.Replace(text, $@"(?<![A-Za-z0-9_]){Regex.Escape(unknown!)}(?![A-Za-z0-9_])", suggestion!);
            if (replaced == text)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create($"Use '{suggestion}'", _ =>
                {
                    var updated = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(replaced)).WithTriviaFrom(literal);
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, updated)));
                }, equivalenceKey: nameof(ConfigMemberNameCodeFix) + suggestion),
                diagnostic);
        }
    }
}
