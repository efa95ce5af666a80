using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Torchwright.Generator.Shapes;

/// <summary>
/// A shape as declared — by a <c>[Shape]</c> or by a layer's signature in the catalogue — parsed once:
/// its dimension expressions and whether it starts with <c>...</c>.
/// </summary>
internal sealed class ShapePattern
{
    private ShapePattern(string text, ImmutableArray<DimExpr> dims, bool leading)
    {
        Text = text;
        Dims = dims;
        Leading = leading;
    }

    public string Text { get; }

    /// <summary>The declared dimensions, without the leading <c>...</c>.</summary>
    public ImmutableArray<DimExpr> Dims { get; }

    /// <summary>Whether any number of leading dimensions may precede <see cref="Dims"/>.</summary>
    public bool Leading { get; }

    public static ShapePattern? Parse(string? text)
    {
        var parsed = DimParser.ParseShape(text);
        if (!parsed.Success)
        {
            return null;
        }
        var leading = parsed.Dimensions.Length > 0 && parsed.Dimensions[0] is DimEllipsis;
        return new ShapePattern(text!, leading ? parsed.Dimensions.RemoveAt(0) : parsed.Dimensions, leading);
    }

    /// <summary>Every name the pattern mentions.</summary>
    public IEnumerable<string> Symbols() => Dims.SelectMany(dim => dim.Symbols()).Distinct();
}

/// <summary>How a received shape compares with a pattern.</summary>
internal enum MatchKind
{
    /// <summary>Nothing provably wrong (which includes "not known").</summary>
    Compatible,
    /// <summary>The number of dimensions provably differs.</summary>
    Rank,
    /// <summary>A dimension provably differs.</summary>
    Dimension,
}

/// <summary>
/// Unifies received shapes with declared patterns, for one call. A name in a pattern is either
/// <i>fixed</i> — a layer argument standing for the user's expression, a configuration member — or a
/// <i>variable</i> (<c>B</c>, <c>T</c>) that the first whole dimension carrying it binds, as the
/// generated guards do. Only provable differences are mismatches: unknown dimensions, unbound names and
/// expressions that may be equal all match.
/// </summary>
internal sealed class ShapeUnifier
{
    private readonly Func<string, SymDim?> fixedNames;
    private readonly Func<string, bool> isFixed;
    private readonly Dictionary<string, SymDim?> variables = new(StringComparer.Ordinal);

    /// <param name="isFixed">Whether a name has a fixed meaning rather than being a variable.</param>
    /// <param name="fixedNames">The meaning of a fixed name, or null when it is not known.</param>
    /// <param name="known">Values known at compile time, for comparisons.</param>
    public ShapeUnifier(Func<string, bool> isFixed, Func<string, SymDim?> fixedNames, Func<string, long?> known)
    {
        this.isFixed = isFixed;
        this.fixedNames = fixedNames;
        Known = known;
    }

    public Func<string, long?> Known { get; }

    /// <summary>The dimensions the last successful match put in front of the pattern's <c>...</c>, if any.</summary>
    public SymShape? LeadingOfLastMatch { get; private set; }

    /// <summary>Compares <paramref name="actual"/> with <paramref name="pattern"/> and binds its variables.</summary>
    public MatchKind Match(ShapePattern pattern, SymShape actual)
    {
        var n = pattern.Dims.Length;
        var m = actual.Dims.Length;
        if (!pattern.Leading && !actual.Open && m != n
            || !pattern.Leading && actual.Open && m > n
            || pattern.Leading && !actual.Open && m < n)
        {
            return MatchKind.Rank;
        }
        if (pattern.Leading)
        {
            LeadingOfLastMatch = m >= n
                ? new SymShape(actual.Dims.RemoveRange(m - n, n), actual.Open)
                : SymShape.Unknown;
        }

        SymDim? Actual(int i) => n - i <= m ? actual.Dims[m - (n - i)] : null;

        // Bind first, so that "T,T" compares a dimension with another of the same tensor.
        for (var i = 0; i < n; i++)
        {
            if (pattern.Dims[i] is DimSymbol { Name: var name } && !isFixed(name) && !variables.ContainsKey(name))
            {
                variables[name] = Actual(i);
            }
        }
        var result = MatchKind.Compatible;
        for (var i = 0; i < n; i++)
        {
            var expected = Resolve(pattern.Dims[i]);
            if (expected is not null && SymDim.ProvablyDifferent(expected, Actual(i), Known))
            {
                result = MatchKind.Dimension;
            }
        }
        return result;
    }

    /// <summary>The value of a declared dimension under the bindings so far; null when any part is unknown.</summary>
    public SymDim? Resolve(DimExpr dim)
    {
        foreach (var name in dim.Symbols())
        {
            if (Lookup(name) is null)
            {
                return null;
            }
        }
        return dim is DimWildcard or DimEllipsis ? null : SymDim.From(dim, Lookup);
    }

    /// <summary>Whether <paramref name="name"/> is a variable of this unification rather than a fixed name.</summary>
    public bool IsVariable(string name) => !isFixed(name);

    /// <summary>What a name stands for under the bindings so far: its fixed meaning, or the variable's binding; null when unknown.</summary>
    public SymDim? Lookup(string name)
        => isFixed(name) ? fixedNames(name) : variables.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The shape a pattern describes under the bindings so far: unknown dimensions where a name is not
    /// bound, and the leading dimensions of the last match in place of <c>...</c>.
    /// </summary>
    public SymShape Instantiate(ShapePattern pattern)
    {
        var dims = pattern.Dims.Select(Resolve).ToImmutableArray();
        if (!pattern.Leading)
        {
            return new SymShape(dims, open: false);
        }
        var leading = LeadingOfLastMatch ?? SymShape.Unknown;
        return new SymShape(leading.Dims.AddRange(dims), leading.Open);
    }

    /// <summary>The pattern as the user would read it: fixed names replaced by their expressions, variables kept.</summary>
    public string Describe(ShapePattern pattern)
    {
        var symbolic = new List<string>();
        var bound = new List<string>();
        if (pattern.Leading)
        {
            symbolic.Add("...");
            bound.Add("...");
        }
        foreach (var dim in pattern.Dims)
        {
            if (dim is DimWildcard)
            {
                symbolic.Add("_");
                bound.Add("_");
                continue;
            }
            var written = SymDim.From(dim, name => isFixed(name) ? fixedNames(name) : null);
            var text = written?.ToString() ?? dim.ToString();
            symbolic.Add(text);
            var value = Resolve(dim);
            bound.Add(value?.Evaluate(Known) is { } number ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : text);
        }
        var s = "[" + string.Join(",", symbolic) + "]";
        var b = "[" + string.Join(",", bound) + "]";
        return s == b ? s : s + " = " + b;
    }
}
