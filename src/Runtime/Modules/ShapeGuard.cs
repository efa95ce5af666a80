using System;
using System.Linq;

namespace Torchwright.Runtime;

/// <summary>Builds the errors that generated shape guards throw. Only called on failure, so it may allocate.</summary>
public static class ShapeGuard
{
    /// <summary>The tensor has the wrong number of dimensions.</summary>
    /// <param name="entry">The guarded method, e.g. <c>TinyGpt.forward</c>.</param>
    /// <param name="argument">The argument's name.</param>
    /// <param name="symbolic">The declared shape, e.g. <c>B,T,Dim</c>.</param>
    /// <param name="actual">The tensor's shape.</param>
    public static ArgumentException RankMismatch(string entry, string argument, string symbolic, long[] actual)
    {
        var expectedRank = symbolic.Length == 0 ? 0 : symbolic.Split(',').Length;
        return new ArgumentException(
            $"{entry}: argument '{argument}' has shape {Format(actual)} with {actual.Length} dimension(s), " +
            $"expected [{symbolic}] with {expectedRank}.", argument);
    }

    /// <summary>A dimension differs from its declared value.</summary>
    /// <param name="entry">The guarded method, e.g. <c>TinyGpt.forward</c>.</param>
    /// <param name="argument">The argument's name.</param>
    /// <param name="symbolic">The declared shape, e.g. <c>B,T,Dim</c>.</param>
    /// <param name="expected">The bound value of each dimension; null where unchecked.</param>
    /// <param name="actual">The tensor's shape.</param>
    public static ArgumentException Mismatch(string entry, string argument, string symbolic, long?[] expected, long[] actual)
    {
        var names = symbolic.Split(',');
        var bound = "[" + string.Join(",", expected.Select(value => value?.ToString() ?? "?")) + "]";
        var differing = Enumerable.Range(0, Math.Min(expected.Length, actual.Length))
            .Where(i => expected[i] is { } value && value != actual[i])
            .Select(i => $"dimension {i} ({names[i]}) is {actual[i]}, expected {expected[i]}");
        return new ArgumentException(
            $"{entry}: argument '{argument}' has shape {Format(actual)}, expected [{symbolic}] = {bound}: " +
            string.Join("; ", differing) + ".", argument);
    }

    private static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";
}
