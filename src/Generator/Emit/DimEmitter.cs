using System;
using Torchwright.Generator.Shapes;

namespace Torchwright.Generator.Emit;

/// <summary>Turns a dimension expression into C#. The symbol callback decides how each name is
/// written (a configuration member, a local bound by a shape guard) and returns null for names
/// that have no value yet.</summary>
internal static class DimEmitter
{
    public static string? ToCSharp(DimExpr expression, Func<string, string?> symbol) => expression switch
    {
        DimNumber number => number.ToString(),
        DimSymbol name => symbol(name.Name),
        DimBinary binary => Binary(binary, symbol),
        _ => null,
    };

    private static string? Binary(DimBinary binary, Func<string, string?> symbol)
    {
        var left = ToCSharp(binary.Left, symbol);
        var right = ToCSharp(binary.Right, symbol);
        if (left is null || right is null)
        {
            return null;
        }
        return $"{Wrap(binary.Left, left)} {binary.Operator} {Wrap(binary.Right, right)}";
    }

    private static string Wrap(DimExpr operand, string text) => operand is DimBinary ? "(" + text + ")" : text;
}
