using System.Collections.Generic;
using System.Collections.Immutable;

namespace Torchwright.Generator.Shapes;

/// <summary>The outcome of parsing: the expressions, or an error with the column where it was found.</summary>
internal readonly record struct DimParseResult(ImmutableArray<DimExpr> Dimensions, string? Error, int ErrorColumn)
{
    public bool Success => Error is null;
}

/// <summary>
/// Parses dimension expressions: <c>Dim</c>, <c>Dim/Heads</c>, <c>(Dim+1)*2</c>, and comma-separated
/// shapes such as <c>"B,T,Dim"</c>. Recursive descent over a tiny grammar; never throws.
/// </summary>
/// <remarks>
/// The parser and every walk of its trees recurse, so an attribute string of thousands of brackets or terms
/// would overflow the compiler's stack. Real shapes are a few dozen characters; beyond the limits below the
/// text is refused as unreadable (TW1005).
/// </remarks>
internal sealed class DimParser
{
    /// <summary>The longest text read, in characters.</summary>
    public const int MaxLength = 512;

    /// <summary>The most names, numbers and operators in one text (a whole shape counts once).</summary>
    public const int MaxNodes = 128;

    /// <summary>The deepest nesting of parentheses.</summary>
    public const int MaxDepth = 32;

    private readonly string text;
    private int position;
    private int nodes;
    private int depth;

    private DimParser(string text) => this.text = text;

    /// <summary>Parses a comma-separated shape. An empty string is a scalar (rank 0).</summary>
    public static DimParseResult ParseShape(string? text)
    {
        if (text is null)
        {
            return new(default, "the shape is missing", 0);
        }
        if (text.Length > MaxLength)
        {
            return new(default, $"the text is longer than {MaxLength} characters", MaxLength);
        }
        var parser = new DimParser(text);
        var dims = ImmutableArray.CreateBuilder<DimExpr>();
        parser.SkipSpaces();
        if (parser.AtEnd)
        {
            return new(dims.ToImmutable(), null, 0);
        }
        while (true)
        {
            if (parser.TryEllipsis())
            {
                if (dims.Count > 0)
                {
                    return new(default, "'...' may only stand first in a shape", parser.position - 3);
                }
                dims.Add(DimEllipsis.Instance);
            }
            else if (parser.ParseDimension(out var error) is { } dim)
            {
                dims.Add(dim);
            }
            else
            {
                return new(default, error, parser.position);
            }
            parser.SkipSpaces();
            if (parser.AtEnd)
            {
                return new(dims.ToImmutable(), null, 0);
            }
            if (parser.text[parser.position] != ',')
            {
                return new(default, $"expected ',' but found '{parser.text[parser.position]}'", parser.position);
            }
            parser.position++;
        }
    }

    /// <summary>Parses one expression, such as a layer size <c>"Dim*4"</c>.</summary>
    public static DimParseResult ParseExpression(string? text)
    {
        var result = ParseShape(text);
        if (!result.Success)
        {
            return result;
        }
        if (result.Dimensions.Length != 1)
        {
            return new(default, result.Dimensions.Length == 0 ? "the expression is empty" : "expected one expression, found a list", 0);
        }
        if (result.Dimensions[0] is DimWildcard or DimEllipsis)
        {
            return new(default, $"'{result.Dimensions[0]}' is only allowed in shapes", 0);
        }
        return result;
    }

    private bool AtEnd => position >= text.Length;

    private bool TryEllipsis()
    {
        SkipSpaces();
        if (string.CompareOrdinal(text, position, "...", 0, 3) != 0)
        {
            return false;
        }
        position += 3;
        return true;
    }

    private DimExpr? ParseDimension(out string? error)
    {
        SkipSpaces();
        if (!AtEnd && text[position] == '_' && IsDimensionEnd(position + 1))
        {
            position++;
            error = null;
            return DimWildcard.Instance;
        }
        return ParseSum(out error);
    }

    private bool IsDimensionEnd(int index)
    {
        while (index < text.Length && text[index] == ' ')
        {
            index++;
        }
        return index >= text.Length || text[index] == ',';
    }

    private DimExpr? ParseSum(out string? error)
    {
        var left = ParseProduct(out error);
        while (left is not null && Peek() is '+' or '-')
        {
            var op = text[position++];
            var right = ParseProduct(out error);
            if (right is null || !Count(out error))
            {
                return null;
            }
            left = new DimBinary(op, left, right);
        }
        return left;
    }

    private DimExpr? ParseProduct(out string? error)
    {
        var left = ParseAtom(out error);
        while (left is not null && Peek() is '*' or '/' or '%')
        {
            var op = text[position++];
            var right = ParseAtom(out error);
            if (right is null || !Count(out error))
            {
                return null;
            }
            left = new DimBinary(op, left, right);
        }
        return left;
    }

    private DimExpr? ParseAtom(out string? error)
    {
        error = null;
        var next = Peek();
        if (next is null)
        {
            error = "unexpected end of expression";
            return null;
        }
        if (next == '(')
        {
            if (++depth > MaxDepth)
            {
                error = $"parentheses are nested deeper than {MaxDepth}";
                return null;
            }
            position++;
            var inner = ParseSum(out error);
            if (inner is null)
            {
                return null;
            }
            if (Peek() != ')')
            {
                error = "missing ')'";
                return null;
            }
            position++;
            depth--;
            return inner;
        }
        if (!Count(out error))
        {
            return null;
        }
        if (char.IsDigit(next.Value))
        {
            var start = position;
            while (!AtEnd && char.IsDigit(text[position]))
            {
                position++;
            }
            if (!long.TryParse(text.Substring(start, position - start), out var value))
            {
                error = "number too large";
                return null;
            }
            return new DimNumber(value);
        }
        if (char.IsLetter(next.Value) || next == '_')
        {
            var start = position;
            while (!AtEnd && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
            {
                position++;
            }
            return new DimSymbol(text.Substring(start, position - start));
        }
        error = $"unexpected '{next}'";
        return null;
    }

    // One more name, number or operator; false with the error once there are too many.
    private bool Count(out string? error)
    {
        error = ++nodes > MaxNodes ? $"the text has more than {MaxNodes} names, numbers and operators" : null;
        return error is null;
    }

    private char? Peek()
    {
        SkipSpaces();
        return AtEnd ? null : text[position];
    }

    private void SkipSpaces()
    {
        while (!AtEnd && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }
}
