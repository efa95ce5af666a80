using System;
using System.Linq;
using TorchSharp;

namespace Torchwright.Runtime;

/// <summary>Builds the errors that generated shape guards throw. Only called on failure, so it may allocate.</summary>
public static class ShapeGuard
{
    /// <summary>
    /// Checks what the shape check cannot see: that <paramref name="tensor"/> exists, holds the expected kind of
    /// elements, and lives on the same device as the module's parameters.
    /// </summary>
    /// <param name="entry">The guarded method, e.g. <c>TinyGpt.forward</c>.</param>
    /// <param name="argument">The argument's name.</param>
    /// <param name="tensor">The argument.</param>
    /// <param name="module">The module whose parameters fix the device.</param>
    /// <param name="elements">The kind of elements required.</param>
    public static void CheckTensor(string entry, string argument, torch.Tensor? tensor, torch.nn.Module module, ElementKind elements)
    {
        if (tensor is null)
        {
            throw new ArgumentNullException(argument, $"{entry}: argument '{argument}' is null.");
        }
        var type = tensor.dtype;
        var fits = elements switch
        {
            ElementKind.Integer => torch.is_integral(type) && type != torch.ScalarType.Bool,
            ElementKind.Floating => torch.is_floating_point(type),
            ElementKind.Boolean => type == torch.ScalarType.Bool,
            _ => true,
        };
        if (!fits)
        {
            throw new ArgumentException($"{entry}: argument '{argument}' holds {type} elements, expected {elements.ToString().ToLowerInvariant()} elements.", argument);
        }
        var parameter = module.parameters().FirstOrDefault();
        if (parameter is not null && (parameter.device_type != tensor.device_type || parameter.device_index != tensor.device_index))
        {
            throw new ArgumentException($"{entry}: argument '{argument}' is on {tensor.device}, but the module's parameters are on {parameter.device}.", argument);
        }
    }

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

    /// <summary>The tensor has fewer dimensions than a shape with leading <c>...</c> needs.</summary>
    /// <param name="entry">The guarded method, e.g. <c>TinyGpt.forward</c>.</param>
    /// <param name="argument">The argument's name.</param>
    /// <param name="symbolic">The declared shape, e.g. <c>...,Dim</c>.</param>
    /// <param name="minimumRank">The number of trailing dimensions declared.</param>
    /// <param name="actual">The tensor's shape.</param>
    public static ArgumentException RankTooSmall(string entry, string argument, string symbolic, int minimumRank, long[] actual)
        => new(
            $"{entry}: argument '{argument}' has shape {Format(actual)} with {actual.Length} dimension(s), " +
            $"expected [{symbolic}] with at least {minimumRank}.", argument);

    /// <summary>A trailing dimension of a shape with leading <c>...</c> differs from its declared value.</summary>
    /// <param name="entry">The guarded method.</param>
    /// <param name="argument">The argument's name.</param>
    /// <param name="symbolic">The declared shape, e.g. <c>...,Dim</c>.</param>
    /// <param name="expected">The bound value of each trailing dimension; null where unchecked.</param>
    /// <param name="actual">The tensor's shape.</param>
    public static ArgumentException TrailingMismatch(string entry, string argument, string symbolic, long?[] expected, long[] actual)
    {
        var leading = actual.Length - expected.Length;
        var aligned = new long?[actual.Length];
        System.Array.Copy(expected, 0, aligned, leading, expected.Length);
        var names = Enumerable.Repeat("...", leading).Concat(symbolic.Split(',').Skip(1)).ToArray();
        return Describe(entry, argument, symbolic, names, aligned, actual);
    }

    /// <summary>A dimension differs from its declared value.</summary>
    /// <param name="entry">The guarded method, e.g. <c>TinyGpt.forward</c>.</param>
    /// <param name="argument">The argument's name.</param>
    /// <param name="symbolic">The declared shape, e.g. <c>B,T,Dim</c>.</param>
    /// <param name="expected">The bound value of each dimension; null where unchecked.</param>
    /// <param name="actual">The tensor's shape.</param>
    public static ArgumentException Mismatch(string entry, string argument, string symbolic, long?[] expected, long[] actual)
        => Describe(entry, argument, symbolic, symbolic.Split(','), expected, actual);

    private static ArgumentException Describe(string entry, string argument, string symbolic, string[] names, long?[] expected, long[] actual)
    {
        var bound = "[" + string.Join(",", expected.Select(value => value?.ToString() ?? "?")) + "]";
        var differing = Enumerable.Range(0, Math.Min(expected.Length, actual.Length))
            .Where(i => expected[i] is { } value && value != actual[i])
            .Select(i => $"dimension {i} ({names[i]}) is {actual[i]}, expected {expected[i]}");
        return new ArgumentException(
            $"{entry}: argument '{argument}' has shape {Format(actual)}, expected [{symbolic}] = {bound}: " +
            string.Join("; ", differing) + ".", argument);
    }

    /// <summary>A shape as the error messages write it: <c>[2,3,8]</c>.</summary>
    internal static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";
}
