using System.Collections.Immutable;
using System.Linq;
using Torchwright.Generator.Shapes;

namespace Torchwright.Generator.Analyzers;

/// <summary>What shape inference knows of a C# value in a forward body.</summary>
internal abstract record ShapeValue
{
    public static readonly ShapeValue Unknown = new UnknownValue();

    /// <summary>The least precise value all of <paramref name="values"/> may be; unknown for none.</summary>
    public static ShapeValue JoinAll(System.Collections.Generic.IEnumerable<ShapeValue> values)
    {
        ShapeValue? result = null;
        foreach (var value in values)
        {
            result = result is null ? value : Join(result, value);
        }
        return result ?? Unknown;
    }

    /// <summary>The least precise value both may be.</summary>
    public static ShapeValue Join(ShapeValue a, ShapeValue b)
    {
        if (a.Equals(b))
        {
            return a;
        }
        return (a, b) switch
        {
            (TensorValue x, TensorValue y) => new TensorValue(SymShape.Join(x.Shape, y.Shape)),
            (IntValue, IntValue) => new IntValue(null),
            (SizesValue x, SizesValue y) => new SizesValue(SymShape.Join(x.Shape, y.Shape)),
            (ListValue x, ListValue y) when x.Items.Length == y.Items.Length
                => new ListValue(x.Items.Zip(y.Items, Join).ToImmutableArray()),
            _ => Unknown,
        };
    }
}

/// <summary>Nothing is known.</summary>
internal sealed record UnknownValue : ShapeValue;

/// <summary>A tensor of a (partly) known shape.</summary>
internal sealed record TensorValue(SymShape Shape) : ShapeValue;

/// <summary>An integer: a size, an index, a literal. <see cref="Dim"/> is null when unknown.</summary>
internal sealed record IntValue(SymDim? Dim) : ShapeValue
{
    public long? Constant => Dim?.ConstantValue;
}

/// <summary>A <c>long[]</c> of sizes, such as <c>x.shape</c>.</summary>
internal sealed record SizesValue(SymShape Shape) : ShapeValue;

/// <summary>An array, a tuple, or the tensors of <c>chunk</c>/<c>split</c>.</summary>
internal sealed record ListValue(ImmutableArray<ShapeValue> Items) : ShapeValue
{
    public bool Equals(ListValue? other) => other is not null && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Length;
}

/// <summary>A position in a dimension: an offset from the start, or from the end (<c>^k</c>).</summary>
internal readonly record struct Position(SymDim? Offset, bool FromEnd);

/// <summary>A range used as an index: <c>a..b</c>, <c>..</c>, <c>TensorIndex.Slice(a, b)</c>.</summary>
internal sealed record RangeValue(Position? Start, Position? End) : ShapeValue;

/// <summary>An index from the end: <c>^k</c>.</summary>
internal sealed record FromEndValue(SymDim? Offset) : ShapeValue;

/// <summary><c>TensorIndex.Ellipsis</c>, <c>TensorIndex.None</c> (a new axis) or <c>TensorIndex.Colon</c>.</summary>
internal sealed record MarkerValue(string Kind) : ShapeValue
{
    public const string Ellipsis = "...";
    public const string NewAxis = "None";
    public const string Colon = ":";
}
