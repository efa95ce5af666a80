using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Torchwright.Generator.Shapes;

/// <summary>
/// A factor of a <see cref="SymDim"/> term: a named dimension (<c>B</c>, <c>Dim</c>), or an integer
/// division or remainder that does not simplify (<c>(Dim+1)/2</c>), kept whole.
/// </summary>
internal sealed class SymAtom : IEquatable<SymAtom>
{
    private SymAtom(string key, string? symbol, char op, SymDim? left, SymDim? right)
    {
        Key = key;
        Symbol = symbol;
        Operator = op;
        Left = left;
        Right = right;
    }

    /// <summary>Canonical text; two atoms are equal when their keys are.</summary>
    public string Key { get; }

    /// <summary>The name, for a symbol atom.</summary>
    public string? Symbol { get; }

    /// <summary>'/' or '%' for an opaque atom.</summary>
    public char Operator { get; }

    public SymDim? Left { get; }

    public SymDim? Right { get; }

    public bool IsSymbol => Symbol is not null;

    public static SymAtom Named(string name) => new(name, name, '\0', null, null);

    public static SymAtom Opaque(char op, SymDim left, SymDim right)
        => new($"{Wrap(left)}{op}{Wrap(right)}", null, op, left, right);

    private static string Wrap(SymDim operand) => operand.IsSingleFactor ? operand.ToString() : "(" + operand + ")";

    public long? Evaluate(Func<string, long?> values)
    {
        if (Symbol is not null)
        {
            return values(Symbol);
        }
        var l = Left!.Evaluate(values);
        var r = Right!.Evaluate(values);
        if (l is not { } a || r is not { } b || b == 0)
        {
            return null;
        }
        return Operator == '/' ? a / b : a % b;
    }

    public SymDim Rewrite(Func<string, SymDim?> map)
    {
        if (Symbol is not null)
        {
            return map(Symbol) ?? SymDim.Of(this);
        }
        var left = Left!.Rewrite(map);
        var right = Right!.Rewrite(map);
        return (Operator == '/' ? left.Divide(right) : left.Modulo(right)) ?? SymDim.Of(this);
    }

    public bool Equals(SymAtom? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as SymAtom);

    public override int GetHashCode() => Key.GetHashCode();

    public override string ToString() => Key;
}

/// <summary>
/// A symbolic dimension in canonical form: a polynomial with integer coefficients over
/// <see cref="SymAtom"/>s. Equal dimensions have equal forms (<c>Dim*2/2</c> is <c>Dim</c>,
/// <c>B*T*Dim/Dim</c> is <c>B*T</c>), so that comparison is structural. Integer division that does not
/// divide exactly stays an opaque atom, so nothing is simplified that integer arithmetic would not allow.
/// </summary>
internal sealed class SymDim : IEquatable<SymDim>
{
    // A sane limit: expansions beyond it give up (unknown) rather than grow.
    private const int MaxTerms = 32;

    // Monomial key (atoms joined by '*', "" for the constant) -> (atoms, coefficient). Zero coefficients are dropped.
    private readonly ImmutableSortedDictionary<string, Term> terms;

    private SymDim(ImmutableSortedDictionary<string, Term> terms) => this.terms = terms;

    private readonly record struct Term(ImmutableArray<SymAtom> Atoms, long Coefficient);

    public static readonly SymDim Zero = new(ImmutableSortedDictionary<string, Term>.Empty);

    public static readonly SymDim One = Constant(1);

    public static SymDim Constant(long value)
        => value == 0 ? Zero : new(ImmutableSortedDictionary<string, Term>.Empty.Add("", new Term(ImmutableArray<SymAtom>.Empty, value)));

    public static SymDim Symbol(string name) => Of(SymAtom.Named(name));

    internal static SymDim Of(SymAtom atom)
        => new(ImmutableSortedDictionary<string, Term>.Empty.Add(atom.Key, new Term(ImmutableArray.Create(atom), 1)));

    /// <summary>
    /// The canonical form of a parsed expression. <paramref name="resolve"/> gives the value of a name
    /// (a substitution, e.g. a layer argument by the user's expression), or null to keep it a symbol.
    /// Null for <c>_</c>, <c>...</c> or arithmetic that cannot be formed.
    /// </summary>
    public static SymDim? From(DimExpr expression, Func<string, SymDim?>? resolve = null)
    {
        switch (expression)
        {
            case DimNumber number:
                return Constant(number.Value);
            case DimSymbol symbol:
                return resolve?.Invoke(symbol.Name) ?? Symbol(symbol.Name);
            case DimBinary binary:
                var left = From(binary.Left, resolve);
                var right = From(binary.Right, resolve);
                if (left is null || right is null)
                {
                    return null;
                }
                return binary.Operator switch
                {
                    '+' => left.Add(right),
                    '-' => left.Subtract(right),
                    '*' => left.Multiply(right),
                    '/' => left.Divide(right),
                    '%' => left.Modulo(right),
                    _ => null,
                };
            default:
                return null;
        }
    }

    /// <summary>Parses <paramref name="text"/> as one dimension expression; null when it cannot be read.</summary>
    public static SymDim? Parse(string? text, Func<string, SymDim?>? resolve = null)
    {
        var parsed = DimParser.ParseExpression(text);
        return parsed.Success ? From(parsed.Dimensions[0], resolve) : null;
    }

    public bool IsConstant => terms.Count == 0 || terms.Count == 1 && terms.ContainsKey("");

    /// <summary>The value when <see cref="IsConstant"/>.</summary>
    public long? ConstantValue => IsConstant ? (terms.TryGetValue("", out var term) ? term.Coefficient : 0) : null;

    /// <summary>True when the form is one factor (a number, a name or an opaque atom), printed without parentheses.</summary>
    internal bool IsSingleFactor
        => terms.Count == 0 || terms.Count == 1 && terms.Values.First() is var t && (t.Atoms.Length == 0 && t.Coefficient >= 0 || t.Atoms.Length == 1 && t.Coefficient == 1);

    /// <summary>Whether a term contains an opaque division or remainder.</summary>
    public bool HasOpaqueAtoms => terms.Values.Any(term => term.Atoms.Any(atom => !atom.IsSymbol));

    /// <summary>The names this dimension mentions, opaque atoms included.</summary>
    public IEnumerable<string> Symbols()
    {
        var seen = new HashSet<string>();
        foreach (var term in terms.Values)
        {
            foreach (var atom in term.Atoms)
            {
                foreach (var name in AtomSymbols(atom))
                {
                    if (seen.Add(name))
                    {
                        yield return name;
                    }
                }
            }
        }
    }

    private static IEnumerable<string> AtomSymbols(SymAtom atom)
        => atom.IsSymbol ? new[] { atom.Symbol! } : atom.Left!.Symbols().Concat(atom.Right!.Symbols());

    public SymDim Add(SymDim other)
    {
        var builder = terms.ToBuilder();
        foreach (var pair in other.terms)
        {
            var coefficient = pair.Value.Coefficient + (builder.TryGetValue(pair.Key, out var existing) ? existing.Coefficient : 0);
            if (coefficient == 0)
            {
                builder.Remove(pair.Key);
            }
            else
            {
                builder[pair.Key] = new Term(pair.Value.Atoms, coefficient);
            }
        }
        return new SymDim(builder.ToImmutable());
    }

    public SymDim Negate() => Scale(-1);

    public SymDim Subtract(SymDim other) => Add(other.Negate());

    private SymDim Scale(long factor)
    {
        if (factor == 0)
        {
            return Zero;
        }
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Term>(StringComparer.Ordinal);
        foreach (var pair in terms)
        {
            builder[pair.Key] = new Term(pair.Value.Atoms, pair.Value.Coefficient * factor);
        }
        return new SymDim(builder.ToImmutable());
    }

    /// <summary>The product; null when the expansion would be unreasonably large.</summary>
    public SymDim? Multiply(SymDim other)
    {
        if (terms.Count * other.terms.Count > MaxTerms)
        {
            return null;
        }
        var result = Zero;
        foreach (var a in terms.Values)
        {
            foreach (var b in other.terms.Values)
            {
                var atoms = a.Atoms.AddRange(b.Atoms).Sort((x, y) => string.CompareOrdinal(x.Key, y.Key));
                var key = string.Join("*", atoms.Select(atom => atom.Key));
                result = result.Add(new SymDim(ImmutableSortedDictionary<string, Term>.Empty.Add(key, new Term(atoms, a.Coefficient * b.Coefficient))));
            }
        }
        return result;
    }

    /// <summary>
    /// Integer division: exact when every term is divisible (by a number, or by a single term whose
    /// factors each term contains); otherwise an opaque atom. Null for division by zero.
    /// </summary>
    public SymDim? Divide(SymDim divisor)
    {
        if (divisor.ConstantValue == 0)
        {
            return null;
        }
        if (IsConstant && divisor.IsConstant)
        {
            return Constant(ConstantValue!.Value / divisor.ConstantValue!.Value);
        }
        if (TryDivideExactly(divisor) is { } exact)
        {
            return exact;
        }
        var (dividend, reduced) = CancelCommonFactors(divisor);
        if (reduced.ConstantValue == 1)
        {
            return dividend;
        }
        return Of(SymAtom.Opaque('/', dividend, reduced));
    }

    /// <summary>
    /// Removes the factors a one-term divisor shares with every term of this form: (B*T*Dim)/(B*T*Heads)
    /// is Dim/Heads. Sizes are at least 1, so cancelling a common factor leaves integer division unchanged.
    /// </summary>
    private (SymDim Dividend, SymDim Divisor) CancelCommonFactors(SymDim divisor)
    {
        if (divisor.terms.Count != 1 || terms.Count == 0)
        {
            return (this, divisor);
        }
        var d = divisor.terms.Values.First();
        var common = d.Atoms.ToList();
        foreach (var term in terms.Values)
        {
            var remaining = term.Atoms.ToList();
            common = common.Where(atom =>
            {
                var index = remaining.FindIndex(candidate => candidate.Equals(atom));
                if (index < 0)
                {
                    return false;
                }
                remaining.RemoveAt(index);
                return true;
            }).ToList();
        }
        var gcd = Math.Abs(d.Coefficient);
        foreach (var term in terms.Values)
        {
            gcd = Gcd(gcd, Math.Abs(term.Coefficient));
        }
        if (common.Count == 0 && gcd <= 1)
        {
            return (this, divisor);
        }
        var commonTerm = new SymDim(ImmutableSortedDictionary<string, Term>.Empty.Add(
            string.Join("*", common.Select(atom => atom.Key)), new Term(common.ToImmutableArray(), gcd == 0 ? 1 : gcd)));
        return (TryDivideExactly(commonTerm) ?? this, divisor.TryDivideExactly(commonTerm) ?? divisor);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    /// <summary>Integer remainder: zero when the division is exact, a number for numbers, otherwise opaque.</summary>
    public SymDim? Modulo(SymDim divisor)
    {
        if (divisor.ConstantValue == 0)
        {
            return null;
        }
        if (IsConstant && divisor.IsConstant)
        {
            return Constant(ConstantValue!.Value % divisor.ConstantValue!.Value);
        }
        if (TryDivideExactly(divisor) is not null)
        {
            return Zero;
        }
        return Of(SymAtom.Opaque('%', this, divisor));
    }

    /// <summary>The exact quotient when <paramref name="divisor"/> is one term that divides every term; null otherwise.</summary>
    public SymDim? TryDivideExactly(SymDim divisor)
    {
        if (divisor.terms.Count != 1)
        {
            return Equals(divisor) && terms.Count > 0 ? One : null;
        }
        var d = divisor.terms.Values.First();
        var builder = ImmutableSortedDictionary.CreateBuilder<string, Term>(StringComparer.Ordinal);
        foreach (var term in terms.Values)
        {
            if (term.Coefficient % d.Coefficient != 0)
            {
                return null;
            }
            var remaining = term.Atoms.ToList();
            foreach (var atom in d.Atoms)
            {
                var index = remaining.FindIndex(candidate => candidate.Equals(atom));
                if (index < 0)
                {
                    return null;
                }
                remaining.RemoveAt(index);
            }
            var key = string.Join("*", remaining.Select(atom => atom.Key));
            builder[key] = new Term(remaining.ToImmutableArray(), term.Coefficient / d.Coefficient);
        }
        return new SymDim(builder.ToImmutable());
    }

    /// <summary>The value when every name has one, else null.</summary>
    public long? Evaluate(Func<string, long?> values)
    {
        long sum = 0;
        foreach (var term in terms.Values)
        {
            long product = term.Coefficient;
            foreach (var atom in term.Atoms)
            {
                if (atom.Evaluate(values) is not { } value)
                {
                    return null;
                }
                product *= value;
            }
            sum += product;
        }
        return sum;
    }

    /// <summary>Replaces names that <paramref name="map"/> knows, keeps the others.</summary>
    public SymDim Rewrite(Func<string, SymDim?> map)
    {
        var result = Zero;
        foreach (var term in terms.Values)
        {
            SymDim? product = Constant(term.Coefficient);
            foreach (var atom in term.Atoms)
            {
                product = product?.Multiply(atom.Rewrite(map));
            }
            if (product is null)
            {
                return this;
            }
            result = result.Add(product);
        }
        return result;
    }

    /// <summary>
    /// Whether this dimension is provably at least 1 (resp. a sign), assuming every name is a size of
    /// at least 1: all coefficients share one sign and no term holds an opaque atom.
    /// </summary>
    private int SignIfDefinite()
    {
        if (terms.Count == 0 || HasOpaqueAtoms)
        {
            return 0;
        }
        var positive = terms.Values.All(term => term.Coefficient > 0);
        var negative = terms.Values.All(term => term.Coefficient < 0);
        return positive ? 1 : negative ? -1 : 0;
    }

    /// <summary>The least value the form can take when every name is at least 1 and every coefficient is positive; null otherwise.</summary>
    private long? MinimumIfPositive()
        => SignIfDefinite() > 0 ? terms.Values.Sum(term => term.Coefficient) : null;

    /// <summary>
    /// True only when <paramref name="a"/> and <paramref name="b"/> cannot be equal: their values under
    /// <paramref name="known"/> differ, or their difference is a nonzero number, or it has one sign for
    /// every size of at least 1. Everything else — including anything unknown — is "may be equal".
    /// </summary>
    public static bool ProvablyDifferent(SymDim? a, SymDim? b, Func<string, long?> known)
    {
        if (a is null || b is null || a.Equals(b))
        {
            return false;
        }
        if (a.Evaluate(known) is { } va && b.Evaluate(known) is { } vb)
        {
            return va != vb;
        }
        var difference = a.Subtract(b).Rewrite(name => known(name) is { } value ? Constant(value) : null);
        if (difference.IsConstant)
        {
            return difference.ConstantValue != 0;
        }
        return difference.SignIfDefinite() != 0;
    }

    /// <summary>True only when <paramref name="a"/> cannot be 1 (for broadcasting).</summary>
    public static bool ProvablyNotOne(SymDim? a, Func<string, long?> known)
    {
        if (a is null)
        {
            return false;
        }
        if (a.Evaluate(known) is { } value)
        {
            return value != 1;
        }
        var reduced = a.Rewrite(name => known(name) is { } v ? Constant(v) : null);
        return reduced.MinimumIfPositive() is >= 2 || reduced.SignIfDefinite() < 0;
    }

    /// <summary>True only when <paramref name="a"/> is 1 for certain.</summary>
    public static bool ProvablyOne(SymDim? a, Func<string, long?> known) => a is not null && a.Evaluate(known) == 1;

    public bool Equals(SymDim? other)
    {
        if (other is null || other.terms.Count != terms.Count)
        {
            return false;
        }
        foreach (var pair in terms)
        {
            if (!other.terms.TryGetValue(pair.Key, out var term) || term.Coefficient != pair.Value.Coefficient)
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as SymDim);

    public override int GetHashCode()
    {
        var hash = 17;
        foreach (var pair in terms)
        {
            hash = unchecked(hash * 31 + pair.Key.GetHashCode() * 7 + pair.Value.Coefficient.GetHashCode());
        }
        return hash;
    }

    /// <summary>Readable text: terms of higher degree first, coefficients after the names (<c>Dim*2</c>), the number last (<c>T+1</c>).</summary>
    public override string ToString()
    {
        if (terms.Count == 0)
        {
            return "0";
        }
        var ordered = terms.Values
            .OrderBy(term => term.Atoms.Length == 0 ? 1 : 0)
            .ThenByDescending(term => term.Atoms.Length)
            .ThenBy(term => string.Join("*", term.Atoms.Select(atom => atom.Key)), StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var term in ordered)
        {
            var magnitude = Math.Abs(term.Coefficient);
            if (text.Length == 0)
            {
                if (term.Coefficient < 0)
                {
                    text.Append('-');
                }
            }
            else
            {
                text.Append(term.Coefficient < 0 ? '-' : '+');
            }
            if (term.Atoms.Length == 0)
            {
                text.Append(magnitude.ToString(CultureInfo.InvariantCulture));
                continue;
            }
            // An opaque atom after another factor keeps its parentheses: B*(Dim/Heads) is not (B*Dim)/Heads.
            text.Append(string.Join("*", term.Atoms.Select((atom, i) => i > 0 && !atom.IsSymbol ? "(" + atom.Key + ")" : atom.Key)));
            if (magnitude != 1)
            {
                text.Append('*').Append(magnitude.ToString(CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }
}
