using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Torchwright.Generator.Parsing;

/// <summary>
/// Reads the body of a <c>[Capturable]</c> forward as a chain of one-input layer calls applied to its one
/// tensor parameter — <c>Head(Norm(Blocks(x)))</c>, or the same through locals and a final <c>return</c> —
/// which a capture plan can record layer by layer. Anything else yields null: the forward is still
/// checked by the capture analyzers, but gets no generated plan.
/// </summary>
internal static class CaptureChainReader
{
    /// <summary>The layer methods in the order they run, or null when the body is not such a chain.</summary>
    public static List<string>? Read(IMethodSymbol method, ISet<string> singleInputLayers, CancellationToken cancellation)
    {
        if (method.Parameters.Length != 1
            || method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is not MethodDeclarationSyntax declaration)
        {
            return null;
        }
        var values = new Dictionary<string, List<string>> { [method.Parameters[0].Name] = new List<string>() };
        if (declaration.ExpressionBody is { } arrow)
        {
            return Evaluate(arrow.Expression, values, singleInputLayers);
        }
        if (declaration.Body is not { } body || body.Statements.Count == 0)
        {
            return null;
        }
        for (var i = 0; i < body.Statements.Count; i++)
        {
            var statement = body.Statements[i];
            var last = i == body.Statements.Count - 1;
            switch (statement)
            {
                case ReturnStatementSyntax { Expression: { } returned } when last:
                    return Evaluate(returned, values, singleInputLayers);
                case LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } when !last
                    && variables[0].Initializer is { } initializer
                    && Evaluate(initializer.Value, values, singleInputLayers) is { } declared:
                    values[variables[0].Identifier.ValueText] = declared;
                    break;
                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax target } assignment } when !last
                    && assignment.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SimpleAssignmentExpression)
                    && values.ContainsKey(target.Identifier.ValueText)
                    && Evaluate(assignment.Right, values, singleInputLayers) is { } assigned:
                    values[target.Identifier.ValueText] = assigned;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static List<string>? Evaluate(ExpressionSyntax expression, Dictionary<string, List<string>> values, ISet<string> layers)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return Evaluate(parenthesized.Expression, values, layers);
            case IdentifierNameSyntax name:
                return values.TryGetValue(name.Identifier.ValueText, out var chain) ? new List<string>(chain) : null;
            case InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } invocation
                when arguments[0].NameColon is null && arguments[0].RefKindKeyword.RawKind == 0
                && CalledName(invocation.Expression) is { } called && layers.Contains(called)
                && Evaluate(arguments[0].Expression, values, layers) is { } inner:
                inner.Add(called);
                return inner;
            default:
                return null;
        }
    }

    private static string? CalledName(ExpressionSyntax callee) => callee switch
    {
        IdentifierNameSyntax name => name.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax name } => name.Identifier.ValueText,
        _ => null,
    };
}
