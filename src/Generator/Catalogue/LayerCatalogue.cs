using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Torchwright.Generator.Catalogue;

/// <summary>
/// The built-in layers. The generator, the analyzers and the docs all read this table: adding a
/// layer means one entry here and one block in the runtime.
/// </summary>
internal static class LayerCatalogue
{
    public const string Namespace = "Torchwright";
    public const string ModelAttribute = "Torchwright.ModelAttribute";
    public const string BlockAttribute = "Torchwright.BlockAttribute";
    public const string ForwardAttribute = "Torchwright.ForwardAttribute";
    public const string ShapeAttribute = "Torchwright.ShapeAttribute";
    public const string CapturableAttribute = "Torchwright.CapturableAttribute";
    public const string LayerAttributeBase = "Torchwright.LayerAttribute";
    public const string UseAttribute = "Torchwright.UseAttribute";
    public const string TensorType = "TorchSharp.torch.Tensor";
    public const string UseKind = "Use";

    private const string Blocks = "global::Torchwright.Runtime.Blocks.";

    private static LayerArgument Dim(string name) => new(name, Camel(name), ArgumentKind.Dimension);

    private static LayerArgument OptionalDim(string name) => new(name, Camel(name), ArgumentKind.OptionalDimension);

    private static LayerArgument Flag(string name, bool value) => new(name, Camel(name), ArgumentKind.Boolean, value ? "true" : "false");

    private static LayerArgument Real(string name, string value) => new(name, Camel(name), ArgumentKind.Real, value);

    public static readonly ImmutableArray<LayerKind> All = ImmutableArray.Create(
        new LayerKind("Embedding", "Torchwright.EmbeddingAttribute", Blocks + "Embedding",
            ImmutableArray.Create(Dim("Count"), Dim("Dim")), 1, 1,
            ImmutableArray.Create("..."), "...,Dim"),
        new LayerKind("LearnedPositions", "Torchwright.LearnedPositionsAttribute", Blocks + "LearnedPositions",
            ImmutableArray.Create(Dim("MaxLength"), Dim("Dim")), 1, 1,
            ImmutableArray.Create("...,T,Dim"), "...,T,Dim"),
        new LayerKind("Linear", "Torchwright.LinearAttribute", Blocks + "Linear",
            ImmutableArray.Create(Dim("InFeatures"), Dim("OutFeatures"), Flag("Bias", true),
                new LayerArgument("TiedTo", "tiedTo", ArgumentKind.LayerReference)), 1, 1,
            ImmutableArray.Create("...,InFeatures"), "...,OutFeatures"),
        new LayerKind("LayerNorm", "Torchwright.LayerNormAttribute", Blocks + "LayerNorm",
            ImmutableArray.Create(Dim("Dim"), Flag("Affine", true), Real("Eps", "1e-5")), 1, 1,
            ImmutableArray.Create("...,Dim"), "...,Dim"),
        new LayerKind("RmsNorm", "Torchwright.RmsNormAttribute", Blocks + "RmsNorm",
            ImmutableArray.Create(Dim("Dim"), Real("Eps", "1e-6")), 1, 1,
            ImmutableArray.Create("...,Dim"), "...,Dim"),
        new LayerKind("Attention", "Torchwright.AttentionAttribute", Blocks + "SelfAttention",
            ImmutableArray.Create(Dim("Dim"), Dim("Heads"), Flag("Causal", false), Flag("Bias", true)), 1, 1,
            ImmutableArray.Create("B,T,Dim"), "B,T,Dim"),
        new LayerKind("Mlp", "Torchwright.MlpAttribute", Blocks + "Mlp",
            ImmutableArray.Create(Dim("Dim"), Dim("Hidden"),
                new LayerArgument("Activation", "activation", ArgumentKind.Activation, "Gelu"), Flag("Bias", true)), 1, 1,
            ImmutableArray.Create("...,Dim"), "...,Dim"),
        new LayerKind("TransformerBlock", "Torchwright.TransformerBlockAttribute", Blocks + "TransformerBlock",
            ImmutableArray.Create(Dim("Dim"), Dim("Heads"), Flag("Causal", false), OptionalDim("MlpHidden")), 1, 1,
            ImmutableArray.Create("B,T,Dim"), "B,T,Dim"),
        new LayerKind("TransformerStack", "Torchwright.TransformerStackAttribute", Blocks + "TransformerStack",
            ImmutableArray.Create(Dim("Depth"), Dim("Dim"), Dim("Heads"), Flag("Causal", false), OptionalDim("MlpHidden")), 1, 1,
            ImmutableArray.Create("B,T,Dim"), "B,T,Dim"));

    private static readonly Dictionary<string, LayerKind> ByAttribute = All.ToDictionary(kind => kind.AttributeMetadataName);

    private static readonly Dictionary<string, LayerKind> ByName = All.ToDictionary(kind => kind.Name);

    public static LayerKind? FromAttribute(string metadataName)
        => ByAttribute.TryGetValue(metadataName, out var kind) ? kind : null;

    public static LayerKind? FromName(string name) => ByName.TryGetValue(name, out var kind) ? kind : null;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);
}
