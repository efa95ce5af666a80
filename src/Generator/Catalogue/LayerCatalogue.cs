using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Torchwright.Generator.Catalogue;

/// <summary>
/// The built-in layers. The generator, the analyzers and the docs all read this table: adding a
/// layer means one entry here, one attribute in Abstractions and one block in the runtime.
/// </summary>
internal static class LayerCatalogue
{
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

    private static LayerArgument Dim(string name) => new(name, Camel(name), ArgumentKind.Dimension, Required: true);

    private static LayerArgument OptionalDim(string name) => new(name, Camel(name), ArgumentKind.OptionalDimension);

    private static LayerArgument Flag(string name, bool value) => new(name, Camel(name), ArgumentKind.Boolean, value ? "true" : "false");

    private static LayerArgument Real(string name, string value) => new(name, Camel(name), ArgumentKind.Real, value);

    // Written only when the user sets it, so models that keep the default read as before.
    private static LayerArgument Init() => new("Init", "init", ArgumentKind.WeightInit, Omittable: true);

    // Options-record members: written only when the user sets them (required ones always).
    private static LayerArgument Option(string name, ArgumentKind kind, bool required = false) => new(name, name, kind, InOptions: true, Required: required);

    private static LayerInput Main(string shape) => new("x", shape, Required: true);

    private static ImmutableArray<LayerInput> One(string shape) => ImmutableArray.Create(Main(shape));

    private static readonly ImmutableArray<LayerArgument> AttentionOptions = ImmutableArray.Create(
        Option("Dim", ArgumentKind.Dimension, required: true), Option("Heads", ArgumentKind.Dimension, required: true),
        Option("KvHeads", ArgumentKind.Dimension), Option("HeadDim", ArgumentKind.Dimension), Option("Causal", ArgumentKind.Boolean),
        Option("Prefix", ArgumentKind.Dimension), Option("Window", ArgumentKind.Dimension), Option("Bias", ArgumentKind.Boolean), Option("QkNorm", ArgumentKind.Boolean),
        Option("Scaled", ArgumentKind.Boolean), Option("Softmax1", ArgumentKind.Boolean), Option("Rope", ArgumentKind.Boolean),
        Option("RopeTheta", ArgumentKind.Real), Option("Dropout", ArgumentKind.Real), Option("Init", ArgumentKind.WeightInit));

    private static readonly ImmutableArray<LayerArgument> TransformerOptions = ImmutableArray.Create(
        Option("Dim", ArgumentKind.Dimension, required: true), Option("Heads", ArgumentKind.Dimension, required: true),
        Option("KvHeads", ArgumentKind.Dimension), Option("HeadDim", ArgumentKind.Dimension), Option("Causal", ArgumentKind.Boolean),
        Option("Prefix", ArgumentKind.Dimension), Option("Window", ArgumentKind.Dimension), Option("MlpHidden", ArgumentKind.Dimension), Option("Activation", ArgumentKind.Activation),
        Option("Gated", ArgumentKind.Boolean), Option("Norm", ArgumentKind.Norm), Option("Bias", ArgumentKind.Boolean),
        Option("QkNorm", ArgumentKind.Boolean), Option("Scaled", ArgumentKind.Boolean), Option("Softmax1", ArgumentKind.Boolean),
        Option("Rope", ArgumentKind.Boolean), Option("Dropout", ArgumentKind.Real), Option("MemoryDim", ArgumentKind.Dimension),
        Option("ConditionDim", ArgumentKind.Dimension), Option("Init", ArgumentKind.WeightInit));

    private static readonly ImmutableArray<LayerInput> AttentionInputs = ImmutableArray.Create(
        Main("B,T,Dim"), new LayerInput("positions", "..."), new LayerInput("padding", "B,T"), new LayerInput("bias", "..."),
        new LayerInput("queryGroups", "B,T"), new LayerInput("keyGroups", "B,T"));

    private static readonly ImmutableArray<LayerInput> CrossAttentionInputs = ImmutableArray.Create(
        Main("B,T,Dim"), new LayerInput("memory", "B,S,MemoryDim", Required: true), new LayerInput("positions", "..."),
        new LayerInput("keyPositions", "..."), new LayerInput("padding", "B,S"), new LayerInput("bias", "..."),
        new LayerInput("queryGroups", "B,T"), new LayerInput("keyGroups", "B,S"));

    private static readonly ImmutableArray<LayerInput> TransformerInputs = ImmutableArray.Create(
        Main("B,T,Dim"), new LayerInput("memory", "B,S,MemoryDim"), new LayerInput("positions", "..."), new LayerInput("padding", "B,T"),
        new LayerInput("bias", "..."), new LayerInput("memoryPadding", "B,S"), new LayerInput("memoryBias", "..."),
        new LayerInput("condition", "B,ConditionDim"));

    public static readonly ImmutableArray<LayerKind> All = ImmutableArray.Create(
        new LayerKind("Embedding", "Torchwright.EmbeddingAttribute", Blocks + "Embedding", null,
            ImmutableArray.Create(Dim("Count"), Dim("Dim")), One("..."), "...,Dim"),
        new LayerKind("LearnedPositions", "Torchwright.LearnedPositionsAttribute", Blocks + "LearnedPositions", null,
            ImmutableArray.Create(Dim("MaxLength"), Dim("Dim"), new LayerArgument("Std", "std", ArgumentKind.Real, Omittable: true)),
            One("...,T,Dim"), "...,T,Dim"),
        new LayerKind("Learned", "Torchwright.LearnedAttribute", Blocks + "Learned", null,
            ImmutableArray.Create(new LayerArgument("Shape", "shape", ArgumentKind.DimensionList, Required: true), Real("Std", "0.02")),
            ImmutableArray<LayerInput>.Empty, "Shape"),
        new LayerKind("Linear", "Torchwright.LinearAttribute", Blocks + "Linear", null,
            ImmutableArray.Create(Dim("InFeatures"), Dim("OutFeatures"), Flag("Bias", true),
                new LayerArgument("TiedTo", "tiedTo", ArgumentKind.LayerReference), Init()), One("...,InFeatures"), "...,OutFeatures"),
        new LayerKind("LayerNorm", "Torchwright.LayerNormAttribute", Blocks + "LayerNorm", null,
            ImmutableArray.Create(Dim("Dim"), Flag("Affine", true), Real("Eps", "1e-5")), One("...,Dim"), "...,Dim"),
        new LayerKind("RmsNorm", "Torchwright.RmsNormAttribute", Blocks + "RmsNorm", null,
            ImmutableArray.Create(Dim("Dim"), Real("Eps", "1e-6")), One("...,Dim"), "...,Dim"),
        new LayerKind("Dropout", "Torchwright.DropoutAttribute", Blocks + "Dropout", null,
            ImmutableArray.Create(new LayerArgument("Probability", "probability", ArgumentKind.Real, Required: true)), One("..."), "..."),
        new LayerKind("Attention", "Torchwright.AttentionAttribute", Blocks + "Attention", Blocks + "AttentionOptions",
            AttentionOptions, AttentionInputs, "B,T,Dim"),
        new LayerKind("CrossAttention", "Torchwright.CrossAttentionAttribute", Blocks + "Attention", Blocks + "AttentionOptions",
            AttentionOptions.Add(Option("MemoryDim", ArgumentKind.Dimension, required: true)), CrossAttentionInputs, "B,T,Dim"),
        new LayerKind("RelativePositionBias", "Torchwright.RelativePositionBiasAttribute", Blocks + "RelativePositionBias", null,
            ImmutableArray.Create(Dim("Heads"), new LayerArgument("Buckets", "buckets", ArgumentKind.Dimension, "32"),
                new LayerArgument("MaxDistance", "maxDistance", ArgumentKind.Dimension, "128"), Flag("Bidirectional", true)),
            ImmutableArray.Create(new LayerInput("x", "...,T", Required: true), new LayerInput("keyPositions", "...,S")), "_,Heads,T,S"),
        new LayerKind("Mlp", "Torchwright.MlpAttribute", Blocks + "Mlp", null,
            ImmutableArray.Create(Dim("Dim"), Dim("Hidden"), new LayerArgument("Activation", "activation", ArgumentKind.Activation, "Gelu"),
                Flag("Bias", true), Flag("Gated", false), Init()), One("...,Dim"), "...,Dim"),
        new LayerKind("TransformerBlock", "Torchwright.TransformerBlockAttribute", Blocks + "TransformerBlock", Blocks + "TransformerOptions",
            TransformerOptions, TransformerInputs, "B,T,Dim"),
        new LayerKind("TransformerStack", "Torchwright.TransformerStackAttribute", Blocks + "TransformerStack", Blocks + "TransformerOptions",
            TransformerOptions.Insert(0, Dim("Depth")), TransformerInputs, "B,T,Dim"));

    private static readonly Dictionary<string, LayerKind> ByAttribute = All.ToDictionary(kind => kind.AttributeMetadataName);

    private static readonly Dictionary<string, LayerKind> ByName = All.ToDictionary(kind => kind.Name);

    public static LayerKind? FromAttribute(string metadataName)
        => ByAttribute.TryGetValue(metadataName, out var kind) ? kind : null;

    public static LayerKind? FromName(string name) => ByName.TryGetValue(name, out var kind) ? kind : null;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);
}
