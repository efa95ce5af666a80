using System.Collections.Immutable;
using System.Linq;

namespace Torchwright.Generator.Catalogue;

/// <summary>How an attribute argument is read and emitted.</summary>
internal enum ArgumentKind
{
    /// <summary>A dimension expression over configuration members, e.g. <c>"Dim*4"</c>.</summary>
    Dimension,
    /// <summary>A dimension expression that may be left out; the runtime then picks its default.</summary>
    OptionalDimension,
    /// <summary>A comma-separated list of dimension expressions, e.g. <c>"Registers,Dim"</c>.</summary>
    DimensionList,
    Boolean,
    Real,
    /// <summary>A member of <c>Torchwright.Activation</c>.</summary>
    Activation,
    /// <summary>A member of <c>Torchwright.NormKind</c>.</summary>
    Norm,
    /// <summary>A member of <c>Torchwright.WeightInit</c>.</summary>
    WeightInit,
    /// <summary>The method name of another layer of the same class.</summary>
    LayerReference,
}

/// <summary>
/// One argument of a built-in layer: the attribute property it comes from and where it goes — a
/// parameter of the runtime block's constructor (<paramref name="ParameterName"/>), or, when
/// <paramref name="InOptions"/>, a property of the block's options record named like the argument.
/// <paramref name="Default"/> is what the constructor receives when the attribute leaves it out;
/// options left out are not written, so the runtime's defaults apply, and so are <paramref name="Omittable"/>
/// constructor arguments.
/// </summary>
internal sealed record LayerArgument(string Name, string ParameterName, ArgumentKind Kind, string? Default = null, bool InOptions = false, bool Required = false, bool Omittable = false);

/// <summary>
/// An input of a built-in layer. The first is the main input and binds to the layer method's first
/// parameter whatever its name; the others bind by parameter name and are passed as named arguments.
/// <paramref name="Shape"/> is its signature for the analyzers (see <see cref="LayerKind"/>).
/// </summary>
internal sealed record LayerInput(string Name, string Shape, bool Required = false);

/// <summary>
/// A built-in layer: the attribute that declares it, the runtime block that implements it, its inputs
/// and its shape signature. In input and output shapes, names of the layer's arguments (<c>InFeatures</c>)
/// stand for the sizes the user wrote; other names (<c>B</c>, <c>T</c>) are unified per call; a leading
/// <c>...</c> matches any number of leading dimensions, the same ones in the output.
/// </summary>
internal sealed record LayerKind(
    string Name,
    string AttributeMetadataName,
    string RuntimeType,
    string? OptionsType,
    ImmutableArray<LayerArgument> Arguments,
    ImmutableArray<LayerInput> Inputs,
    string OutputShape)
{
    /// <summary>Shapes of the inputs, in the order of <see cref="Inputs"/>.</summary>
    public ImmutableArray<string> InputShapes => Inputs.Select(input => input.Shape).ToImmutableArray();

    /// <summary>How many tensors a layer method must take at least.</summary>
    public int MinInputs => Inputs.Count(input => input.Required);

    /// <summary>How many tensors a layer method may take at most.</summary>
    public int MaxInputs => Inputs.Length;

    public LayerInput? Input(string parameterName)
        => Inputs.Skip(1).FirstOrDefault(input => string.Equals(input.Name, parameterName, System.StringComparison.OrdinalIgnoreCase));
}
