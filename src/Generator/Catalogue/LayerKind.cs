using System.Collections.Immutable;

namespace Torchwright.Generator.Catalogue;

/// <summary>How an attribute argument is read and emitted.</summary>
internal enum ArgumentKind
{
    /// <summary>A dimension expression over configuration members, e.g. <c>"Dim*4"</c>.</summary>
    Dimension,
    /// <summary>A dimension expression that may be left out; the runtime then picks its default.</summary>
    OptionalDimension,
    Boolean,
    Real,
    /// <summary>A member of <c>Torchwright.Activation</c>.</summary>
    Activation,
    /// <summary>The method name of another layer of the same class.</summary>
    LayerReference,
}

/// <summary>One argument of a built-in layer: the attribute property it comes from, the runtime
/// constructor parameter it goes to, and the value used when the attribute leaves it out.</summary>
internal sealed record LayerArgument(string Name, string ParameterName, ArgumentKind Kind, string? Default = null);

/// <summary>
/// A built-in layer: the attribute that declares it, the runtime block that implements it, how many
/// tensors its forward takes, and its shape signature. In <see cref="InputShapes"/> and
/// <see cref="OutputShape"/>, names of the layer's arguments (<c>InFeatures</c>) stand for the sizes the
/// user wrote; other names (<c>B</c>, <c>T</c>) are unified per call; a leading <c>...</c> matches any
/// number of leading dimensions, the same ones in the output.
/// </summary>
internal sealed record LayerKind(
    string Name,
    string AttributeMetadataName,
    string RuntimeType,
    ImmutableArray<LayerArgument> Arguments,
    int MinInputs,
    int MaxInputs,
    ImmutableArray<string> InputShapes,
    string OutputShape);
