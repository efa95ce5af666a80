using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Torchwright.Generator.Shapes;

namespace Torchwright.Generator.Catalogue;

/// <summary>
/// One rule a layer's arguments must satisfy: <c>Left Operator Right</c>, where both sides are dimension
/// expressions over the layer's argument names (<c>"Dim % Heads"</c>, <c>"0"</c>), or, for a real-valued
/// argument, its name and a number. <see cref="Subject"/> is the argument a diagnostic points at, and
/// <see cref="Requirement"/> says the rule in words.
/// </summary>
internal sealed record LayerConstraint(
    string Layer,
    string Left,
    string Operator,
    string Right,
    string DiagnosticId,
    string Subject,
    string Requirement,
    string? UnlessGiven = null);

/// <summary>A rule that the known values break, with the values that break it.</summary>
internal sealed record ConstraintViolation(LayerConstraint Constraint, string Detail);

/// <summary>
/// The rules on built-in layers' arguments, keyed by layer kind name, checked by the hyperparameter
/// analyzer on values known at compile time. Every dimension argument of every catalogue layer must be
/// positive (derived from <see cref="LayerCatalogue"/>, so new layers get it for free); the table adds
/// the rules that relate arguments. A rule is reported only when every value it needs is known, and not
/// at all when the argument named by <see cref="LayerConstraint.UnlessGiven"/> is written.
/// </summary>
internal static class LayerConstraints
{
    private const string Divides = "TW2001";
    private const string Positive = "TW2002";
    private const string Epsilon = "TW2004";
    private const string Probability = "TW2005";

    private static readonly string[] AttentionKinds = { "Attention", "CrossAttention", "TransformerBlock", "TransformerStack" };

    /// <summary>Rules beyond "every size is positive".</summary>
    public static readonly ImmutableArray<LayerConstraint> Table = AttentionKinds
        .SelectMany(kind => new[]
        {
            // An explicit HeadDim decouples the heads from the width.
            new LayerConstraint(kind, "Dim % Heads", "==", "0", Divides, "Heads", "Heads to divide Dim", UnlessGiven: "HeadDim"),
            new LayerConstraint(kind, "Heads % KvHeads", "==", "0", Divides, "KvHeads", "KvHeads to divide Heads"),
            new LayerConstraint(kind, "Dropout", ">=", "0", Probability, "Dropout", "a Dropout probability of at least 0"),
            new LayerConstraint(kind, "Dropout", "<=", "1", Probability, "Dropout", "a Dropout probability of at most 1"),
        })
        .Concat(new[]
        {
            new LayerConstraint("LearnedPositions", "Std", ">", "0", Positive, "Std", "a positive Std"),
            new LayerConstraint("LayerNorm", "Eps", ">", "0", Epsilon, "Eps", "a positive Eps"),
            new LayerConstraint("RmsNorm", "Eps", ">", "0", Epsilon, "Eps", "a positive Eps"),
            new LayerConstraint("Dropout", "Probability", ">=", "0", Probability, "Probability", "a Probability of at least 0"),
            new LayerConstraint("Dropout", "Probability", "<=", "1", Probability, "Probability", "a Probability of at most 1"),
        })
        .ToImmutableArray();

    /// <summary>Every rule for <paramref name="kind"/>: positivity of its sizes, then the table's.</summary>
    public static IEnumerable<LayerConstraint> For(LayerKind kind)
    {
        foreach (var argument in kind.Arguments.Where(a => a.Kind is ArgumentKind.Dimension or ArgumentKind.OptionalDimension))
        {
            yield return new LayerConstraint(kind.Name, argument.Name, ">", "0", Positive, argument.Name, $"a positive {argument.Name}");
        }
        foreach (var constraint in Table.Where(c => c.Layer == kind.Name))
        {
            yield return constraint;
        }
    }

    /// <summary>
    /// Checks the rules of <paramref name="kind"/>. <paramref name="dimension"/> gives a dimension
    /// argument as a symbolic value in the caller's names (null when absent or unreadable),
    /// <paramref name="raw"/> the argument as written or its catalogue default, and
    /// <paramref name="known"/> the values known at compile time.
    /// </summary>
    public static IEnumerable<ConstraintViolation> Check(
        LayerKind kind, Func<string, SymDim?> dimension, Func<string, string?> raw, Func<string, long?> known)
    {
        var realArguments = new HashSet<string>(kind.Arguments.Where(a => a.Kind == ArgumentKind.Real).Select(a => a.Name));
        foreach (var list in kind.Arguments.Where(a => a.Kind == ArgumentKind.DimensionList))
        {
            var parsed = DimParser.ParseShape(raw(list.Name));
            if (!parsed.Success)
            {
                continue;
            }
            foreach (var element in parsed.Dimensions)
            {
                if (SymDim.From(element) is { } dim && dim.Evaluate(known) is { } value && value <= 0)
                {
                    var constraint = new LayerConstraint(kind.Name, list.Name, ">", "0", Positive, list.Name, $"every entry of {list.Name} to be positive");
                    yield return new ConstraintViolation(constraint, $"{Binding(element.ToString(), dim, known)}");
                }
            }
        }
        foreach (var constraint in For(kind))
        {
            if (constraint.UnlessGiven is { } escape && raw(escape) is not null)
            {
                continue;
            }
            if (realArguments.Contains(constraint.Left))
            {
                if (CheckReal(constraint, raw(constraint.Left)) is { } realViolation)
                {
                    yield return realViolation;
                }
                continue;
            }
            var names = new List<string>();
            var missing = false;
            SymDim? Resolve(string name)
            {
                var value = dimension(name);
                if (value is null)
                {
                    missing = true;
                }
                else if (!names.Contains(name))
                {
                    names.Add(name);
                }
                return value;
            }
            var left = SymDim.Parse(constraint.Left, Resolve);
            var right = SymDim.Parse(constraint.Right, Resolve);
            if (missing || left?.Evaluate(known) is not { } l || right?.Evaluate(known) is not { } r || Holds(l, constraint.Operator, r))
            {
                continue;
            }
            var values = names.Select(name => Binding(name, dimension(name)!, known));
            var shown = names.Count == 1 && constraint.Left == names[0]
                ? string.Join(" and ", values)
                : $"with {string.Join(" and ", values)}, {constraint.Left} = {l.ToString(CultureInfo.InvariantCulture)}";
            yield return new ConstraintViolation(constraint, shown);
        }
    }

    private static ConstraintViolation? CheckReal(LayerConstraint constraint, string? text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.TryParse(constraint.Right, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound)
            || Holds(value, constraint.Operator, bound))
        {
            return null;
        }
        return new ConstraintViolation(constraint, $"{constraint.Left} = {text}");
    }

    private static string Binding(string name, SymDim value, Func<string, long?> known)
    {
        var written = value.ToString();
        var number = value.Evaluate(known)!.Value.ToString(CultureInfo.InvariantCulture);
        return written == number || written == name ? $"{name} = {number}" : $"{name} = {written} = {number}";
    }

    private static bool Holds(double left, string op, double right) => op switch
    {
        "==" => left == right,
        "!=" => left != right,
        ">" => left > right,
        ">=" => left >= right,
        "<" => left < right,
        "<=" => left <= right,
        _ => true,
    };
}
