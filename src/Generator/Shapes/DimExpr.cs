using System.Collections.Generic;

namespace Torchwright.Generator.Shapes;

/// <summary>A dimension expression: an integer, a symbol, or arithmetic over both.</summary>
internal abstract record DimExpr
{
    /// <summary>Every symbol named in the expression, in order of first appearance.</summary>
    public IEnumerable<string> Symbols()
    {
        var seen = new HashSet<string>();
        var pending = new Stack<DimExpr>();
        pending.Push(this);
        var order = new List<string>();
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case DimSymbol symbol when seen.Add(symbol.Name):
                    order.Add(symbol.Name);
                    break;
                case DimBinary binary:
                    pending.Push(binary.Right);
                    pending.Push(binary.Left);
                    break;
            }
        }
        return order;
    }

    /// <summary>The value, or null when a symbol has no binding or the arithmetic is undefined.</summary>
    public abstract long? Evaluate(IReadOnlyDictionary<string, long> bindings);
}

/// <summary>An integer literal.</summary>
internal sealed record DimNumber(long Value) : DimExpr
{
    public override long? Evaluate(IReadOnlyDictionary<string, long> bindings) => Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A named dimension: a configuration member or a free symbol such as <c>B</c>.</summary>
internal sealed record DimSymbol(string Name) : DimExpr
{
    public override long? Evaluate(IReadOnlyDictionary<string, long> bindings)
        => bindings.TryGetValue(Name, out var value) ? value : null;

    public override string ToString() => Name;
}

/// <summary>A dimension that is not checked: <c>_</c>.</summary>
internal sealed record DimWildcard : DimExpr
{
    public static readonly DimWildcard Instance = new();

    public override long? Evaluate(IReadOnlyDictionary<string, long> bindings) => null;

    public override string ToString() => "_";
}

/// <summary>Any number of leading dimensions: <c>...</c>, only as the first entry of a shape.</summary>
internal sealed record DimEllipsis : DimExpr
{
    public static readonly DimEllipsis Instance = new();

    public override long? Evaluate(IReadOnlyDictionary<string, long> bindings) => null;

    public override string ToString() => "...";
}

/// <summary>Binary arithmetic; division is integer division.</summary>
internal sealed record DimBinary(char Operator, DimExpr Left, DimExpr Right) : DimExpr
{
    public override long? Evaluate(IReadOnlyDictionary<string, long> bindings)
    {
        var left = Left.Evaluate(bindings);
        var right = Right.Evaluate(bindings);
        if (left is not { } l || right is not { } r)
        {
            return null;
        }
        return Operator switch
        {
            '+' => l + r,
            '-' => l - r,
            '*' => l * r,
            '/' => r == 0 ? null : l / r,
            '%' => r == 0 ? null : l % r,
            _ => null,
        };
    }

    public override string ToString() => $"{Wrap(Left, right: false)}{Operator}{Wrap(Right, right: true)}";

    // "A-(B-C)" must keep its parentheses: on the right, an equal precedence needs them too.
    private string Wrap(DimExpr operand, bool right)
        => operand is DimBinary inner && (Precedence(inner.Operator) < Precedence(Operator) || right && Precedence(inner.Operator) == Precedence(Operator))
            ? $"({inner})"
            : operand.ToString();

    internal static int Precedence(char op) => op is '+' or '-' ? 1 : 2;
}
