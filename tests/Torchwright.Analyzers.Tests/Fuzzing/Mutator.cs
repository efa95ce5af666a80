using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Torchwright.Analyzers.Tests.Fuzzing;

/// <summary>
/// Produces mutants of a valid source. Each mutation is a text edit at a place found through the syntax tree, so
/// mutants stay close to real mistakes: a token lost or doubled, an attribute argument or shape string broken,
/// a configuration member misspelt, a model no longer partial, a layer returning the wrong type, a block using
/// itself, an absurd size, a brace too many or too few, an empty file.
/// </summary>
internal static class Mutator
{
    private static readonly string[] BrokenArguments = ["\"", "\"\"", "1/0", "\"Dim*\"", "null", "typeof(int)", "\"B,T,Dim,,\"", "-\"x\"", "default"];
    private static readonly string[] InvalidShapes = ["\"B,T,\"", "\"B,(T\"", "\"B,T,Dim+\"", "\"B,,T\"", "\"!\"", "\"B,...,T\"", "\"B,T)\"", "\"B,T*\""];
    private static readonly string[] AbsurdSizes = ["0", "-1", "2147483647", "-2147483648", "99999999999"];
    private static readonly MutationKind[] Kinds = Enum.GetValues<MutationKind>();

    /// <summary>A mutant of <paramref name="text"/>, or null when the drawn mutation has no place in this file.</summary>
    public static Mutant? Mutate(string unit, int file, string text, Random random)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        var root = CSharpSyntaxTree.ParseText(text, Harness.Verify.ParseOptions).GetRoot();
        return kind switch
        {
            MutationKind.DeleteToken => Token(root, random) is { } t
                ? Make(MutationKind.DeleteToken, $"deleted '{t.Text}' at {t.SpanStart}", Replace(text, t.Span, ""), false) : null,
            MutationKind.DuplicateToken => Token(root, random) is { } t
                ? Make(MutationKind.DuplicateToken, $"doubled '{t.Text}' at {t.SpanStart}", Replace(text, new(t.Span.End, 0), " " + t.Text), false) : null,
            MutationKind.BreakAttributeArgument => Pick(root.DescendantNodes().OfType<AttributeArgumentSyntax>(), random) is { } a
                ? Edit(MutationKind.BreakAttributeArgument, a.Expression, Pick(BrokenArguments, random)!, false) : null,
            MutationKind.InvalidShapeString => Pick(ShapeStrings(root), random) is { } s
                ? Edit(MutationKind.InvalidShapeString, s, Pick(InvalidShapes, random)!, true) : null,
            MutationKind.UnknownConfigMember => UnknownMember(root, random),
            MutationKind.RemovePartial => Pick(AnnotatedTypes(root).SelectMany(c => c.Modifiers.Where(m => m.IsKind(SyntaxKind.PartialKeyword))), random) is { } p
                ? Make(MutationKind.RemovePartial, $"removed 'partial' at {p.SpanStart}", Replace(text, p.Span, ""), true) : null,
            MutationKind.WrongLayerReturnType => Pick(LayerMethods(root), random) is { } m
                ? Edit(MutationKind.WrongLayerReturnType, m.ReturnType, "int", true) : null,
            MutationKind.SelfUse => SelfUse(root, random),
            MutationKind.AbsurdSize => Pick(root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.NumericLiteralToken)), random) is { } n
                ? Make(MutationKind.AbsurdSize, $"'{n.Text}' at {n.SpanStart} → absurd size", Replace(text, n.Span, Pick(AbsurdSizes, random)!), false) : null,
            MutationKind.UnbalancedBrace => Brace(root, text, random),
            MutationKind.EmptyFile => Make(MutationKind.EmptyFile, "emptied the file", "", false),
            _ => null,
        };

        Mutant Make(MutationKind k, string description, string mutated, bool breaks) => new(unit, file, k, description, mutated, breaks);

        Mutant Edit(MutationKind k, SyntaxNode node, string replacement, bool breaks)
            => Make(k, $"'{node}' at {node.SpanStart} → '{replacement}'", Replace(text, node.Span, replacement), breaks);

        Mutant? UnknownMember(SyntaxNode tree, Random r)
        {
            // A configuration member named inside a layer attribute's string argument, e.g. "Dim" in [Linear("Dim", "Vocab")].
            var candidates = tree.DescendantNodes().OfType<AttributeArgumentSyntax>()
                .Where(a => a.Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } l
                    && l.Token.ValueText.Length > 0 && char.IsUpper(l.Token.ValueText[0]) && l.Token.ValueText.All(char.IsLetterOrDigit)
                    && a.NameEquals is null)
                .Where(a => a.Parent?.Parent is AttributeSyntax attr && attr.Name.ToString() is not ("Use" or "Model" or "Block" or "Shape"))
                .ToList();
            if (Pick(candidates, r) is not { } argument) return null;
            return Edit(MutationKind.UnknownConfigMember, argument.Expression, "\"NoSuchMember\"", true);
        }

        Mutant? SelfUse(SyntaxNode tree, Random r)
        {
            var uses = tree.DescendantNodes().OfType<AttributeSyntax>()
                .Where(a => a.Name.ToString() == "Use" && a.ArgumentList?.Arguments.FirstOrDefault()?.Expression is TypeOfExpressionSyntax)
                .ToList();
            if (Pick(uses, r) is not { } use || use.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } owner) return null;
            var type = (TypeOfExpressionSyntax)use.ArgumentList!.Arguments[0].Expression;
            // A class that uses itself is never a valid block (TW1010): a model is no block, and a block would build itself forever.
            return Edit(MutationKind.SelfUse, type.Type, owner.Identifier.Text, true);
        }

        Mutant? Brace(SyntaxNode tree, string source, Random r)
        {
            var braces = tree.DescendantTokens().Where(t => t.IsKind(SyntaxKind.CloseBraceToken) || t.IsKind(SyntaxKind.OpenBraceToken)).ToList();
            if (Pick(braces, r) is not { } brace) return null;
            return r.Next(2) == 0
                ? Make(MutationKind.UnbalancedBrace, $"deleted '{brace.Text}' at {brace.SpanStart}", Replace(source, brace.Span, ""), false)
                : Make(MutationKind.UnbalancedBrace, $"added '{{' at {brace.SpanStart}", Replace(source, new(brace.SpanStart, 0), "{ "), false);
        }
    }

    private static IEnumerable<LiteralExpressionSyntax> ShapeStrings(SyntaxNode root)
        => root.DescendantNodes().OfType<AttributeSyntax>()
            .Where(a => a.Name.ToString() is "Shape" or "ShapeAttribute")
            .SelectMany(a => a.ArgumentList?.Arguments ?? default)
            .Where(a => a.NameEquals is null)
            .Select(a => a.Expression).OfType<LiteralExpressionSyntax>()
            .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression));

    private static IEnumerable<ClassDeclarationSyntax> AnnotatedTypes(SyntaxNode root)
        => root.DescendantNodes().OfType<ClassDeclarationSyntax>()
            .Where(c => c.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "Model" or "Block"));

    // Layer methods: partial, no body, with an attribute, inside an annotated type.
    private static IEnumerable<MethodDeclarationSyntax> LayerMethods(SyntaxNode root)
        => AnnotatedTypes(root).SelectMany(c => c.Members.OfType<MethodDeclarationSyntax>())
            .Where(m => m.Body is null && m.ExpressionBody is null && m.Modifiers.Any(SyntaxKind.PartialKeyword) && m.AttributeLists.Count > 0);

    private static SyntaxToken? Token(SyntaxNode root, Random random)
        => Pick(root.DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken) && t.Span.Length > 0), random);

    private static T? Pick<T>(IEnumerable<T> items, Random random)
    {
        var list = items as IReadOnlyList<T> ?? items.ToList();
        return list.Count == 0 ? default : list[random.Next(list.Count)];
    }

    private static SyntaxToken? Pick(IEnumerable<SyntaxToken> items, Random random)
    {
        var list = items.ToList();
        return list.Count == 0 ? null : list[random.Next(list.Count)];
    }

    private static string Replace(string text, Microsoft.CodeAnalysis.Text.TextSpan span, string replacement)
        => string.Concat(text.AsSpan(0, span.Start), replacement, text.AsSpan(span.End));
}
