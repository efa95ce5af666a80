using System;

namespace Torchwright;

/// <summary>
/// Declares the symbolic shape of a tensor parameter or return value, as comma-separated dimension
/// expressions. A dimension is a free symbol bound by the first tensor that carries it
/// (<c>B</c>, <c>T</c>), an expression over configuration members and integers (<c>Dim</c>,
/// <c>Dim/Heads</c>, <c>Dim*4</c>), or <c>_</c> for a dimension that is not checked.
/// </summary>
/// <example><c>[Shape("B,T,Dim")] Tensor x</c></example>
/// <param name="dimensions">The dimensions, outermost first.</param>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue, Inherited = false)]
public sealed class ShapeAttribute(string dimensions) : Attribute
{
    /// <summary>The dimension expressions as written.</summary>
    public string Dimensions { get; } = dimensions;

    /// <summary>The kind of elements the tensor must hold. Default <see cref="ElementKind.Any"/>.</summary>
    public ElementKind Elements { get; set; }
}
