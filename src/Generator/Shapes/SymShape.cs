using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Torchwright.Generator.Shapes;

/// <summary>
/// What is known of a tensor's shape: its dimensions, outermost first, each a <see cref="SymDim"/> or
/// null when unknown. When <see cref="Open"/>, an unknown number of further dimensions precedes them,
/// so only the trailing dimensions are known. <see cref="Unknown"/> knows nothing.
/// </summary>
internal sealed class SymShape : IEquatable<SymShape>
{
    public static readonly SymShape Unknown = new(ImmutableArray<SymDim?>.Empty, open: true);

    public static readonly SymShape Scalar = new(ImmutableArray<SymDim?>.Empty, open: false);

    public SymShape(ImmutableArray<SymDim?> dims, bool open)
    {
        Dims = dims.IsDefault ? ImmutableArray<SymDim?>.Empty : dims;
        Open = open;
    }

    public static SymShape Closed(IEnumerable<SymDim?> dims) => new(dims.ToImmutableArray(), open: false);

    public ImmutableArray<SymDim?> Dims { get; }

    public bool Open { get; }

    public bool IsUnknown => Open && Dims.Length == 0;

    public int? Rank => Open ? null : Dims.Length;

    /// <summary>Whether every dimension and the rank are known.</summary>
    public bool IsFullyKnown => !Open && Dims.All(dim => dim is not null);

    /// <summary>
    /// The position of dimension <paramref name="dim"/> (negative counts from the end) in
    /// <see cref="Dims"/>, or null when it cannot be told (an open shape indexed from the front, or out of range).
    /// </summary>
    public int? IndexOf(long dim)
    {
        if (dim < 0)
        {
            var fromEnd = Dims.Length + dim;
            return fromEnd >= 0 ? (int)fromEnd : null;
        }
        return !Open && dim < Dims.Length ? (int)dim : null;
    }

    /// <summary>True only when <paramref name="dim"/> is certainly not a dimension of a tensor of this shape.</summary>
    public bool ProvablyOutOfRange(long dim, int extra = 0)
    {
        if (Open)
        {
            return false;
        }
        // A scalar accepts dimension 0 and -1, as PyTorch wraps it like a rank-1 tensor.
        var rank = Math.Max(1, Dims.Length + extra);
        return dim >= rank || dim < -rank;
    }

    public SymShape With(int index, SymDim? dim) => new(Dims.SetItem(index, dim), Open);

    public SymShape RemoveAt(int index) => new(Dims.RemoveAt(index), Open);

    public SymShape Insert(int index, SymDim? dim) => new(Dims.Insert(index, dim), Open);

    /// <summary>The product of all dimensions, when the rank and every dimension are known.</summary>
    public SymDim? ElementCount()
    {
        if (Open)
        {
            return null;
        }
        SymDim? product = SymDim.One;
        foreach (var dim in Dims)
        {
            product = dim is null ? null : product?.Multiply(dim);
        }
        return product;
    }

    /// <summary>The shape as written with names, e.g. <c>[B,T,Dim*2]</c>; unknown dimensions are <c>?</c>.</summary>
    public string Symbolic() => Text(dim => dim?.ToString() ?? "?");

    /// <summary>The shape with every value that is known filled in, e.g. <c>[B,T,256]</c>.</summary>
    public string Bound(Func<string, long?> known)
        => Text(dim => dim is null ? "?" : dim.Evaluate(known) is { } value ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : dim.ToString());

    /// <summary><c>[B,T,Dim*2] = [B,T,256]</c>, or just the symbolic form when nothing is bound.</summary>
    public string Describe(Func<string, long?> known)
    {
        var symbolic = Symbolic();
        var bound = Bound(known);
        return symbolic == bound ? symbolic : symbolic + " = " + bound;
    }

    private string Text(Func<SymDim?, string> dim)
    {
        var parts = Dims.Select(dim).ToList();
        if (Open)
        {
            parts.Insert(0, "...");
        }
        return "[" + string.Join(",", parts) + "]";
    }

    /// <summary>The least precise shape both may be: equal dimensions stay, others become unknown.</summary>
    public static SymShape Join(SymShape a, SymShape b)
    {
        if (a.Equals(b))
        {
            return a;
        }
        if (a.Open || b.Open || a.Dims.Length != b.Dims.Length)
        {
            var common = Math.Min(a.Dims.Length, b.Dims.Length);
            var trailing = new List<SymDim?>();
            for (var i = 1; i <= common; i++)
            {
                var x = a.Dims[a.Dims.Length - i];
                var y = b.Dims[b.Dims.Length - i];
                trailing.Insert(0, x is not null && x.Equals(y) ? x : null);
            }
            return new SymShape(trailing.ToImmutableArray(), open: true);
        }
        return Closed(a.Dims.Zip(b.Dims, (x, y) => x is not null && x.Equals(y) ? x : null));
    }

    public bool Equals(SymShape? other)
        => other is not null && Open == other.Open && Dims.Length == other.Dims.Length
            && Dims.Zip(other.Dims, (x, y) => x is null ? y is null : x.Equals(y)).All(same => same);

    public override bool Equals(object? obj) => Equals(obj as SymShape);

    public override int GetHashCode() => Dims.Length * 2 + (Open ? 1 : 0);

    public override string ToString() => Symbolic();
}
