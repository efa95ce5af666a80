using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Torchwright.Generator.Diagnostics;

/// <summary>
/// Every diagnostic Torchwright reports, with one prefix. The generator reports only TW0001/TW0002;
/// the specific problems (TW1xxx contract, TW2xxx hyperparameters, TW3xxx shapes, TW4xxx capture
/// safety) come from the analyzers, which read the same spec.
/// </summary>
internal static class Descriptors
{
    private const string Generator = "Torchwright.Generator";
    private const string Contract = "Torchwright.Contract";
    private const string Hyperparameters = "Torchwright.Hyperparameters";
    private const string Shapes = "Torchwright.Shapes";
    private const string Capture = "Torchwright.Capture";

    /// <summary>Where the help page of an ID lives: see <see cref="HelpLinks"/>.</summary>
    private static readonly string HelpLinkRoot = HelpLinks.Root;

    public static readonly DiagnosticDescriptor CannotExpand = new("TW0001", "Torchwright cannot expand this type", "Torchwright cannot expand '{0}': {1}", Generator, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "The generator could not turn the annotated type into a module. The analyzers report each problem with its own ID.", helpLinkUri: HelpLinkRoot + "TW0001.md");

    public static readonly DiagnosticDescriptor InternalError = new("TW0002", "Torchwright generator failed unexpectedly", "Torchwright could not generate '{0}' because of an internal error: {1}", Generator, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "An unexpected exception inside the generator was caught and turned into this diagnostic instead of crashing the compiler. Please report it with the source that caused it.", helpLinkUri: HelpLinkRoot + "TW0002.md");

    public static readonly DiagnosticDescriptor NotPartial = new("TW1001", "Model or block type is not partial", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A [Model] or [Block] class, and every type enclosing it, must be declared partial so that the generator can add the module's members.", helpLinkUri: HelpLinkRoot + "TW1001.md");

    public static readonly DiagnosticDescriptor LayerNotPartial = new("TW1002", "Layer method must be partial without a body", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A method carrying a layer attribute is implemented by the generator; declare it 'partial' and leave out the body.", helpLinkUri: HelpLinkRoot + "TW1002.md");

    public static readonly DiagnosticDescriptor LayerSignature = new("TW1003", "Layer method has the wrong signature", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A layer method is an instance method that takes the layer's input tensors and returns a Tensor.", helpLinkUri: HelpLinkRoot + "TW1003.md");

    public static readonly DiagnosticDescriptor UnknownConfigMember = new("TW1004", "Unknown configuration member", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "Dimension expressions may only name public members of the configuration type, integers and arithmetic.", helpLinkUri: HelpLinkRoot + "TW1004.md");

    public static readonly DiagnosticDescriptor InvalidExpression = new("TW1005", "Dimension expression or shape cannot be read", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A dimension expression is made of configuration members, integers, + - * / % and parentheses; a shape is a comma-separated list of them, with '_' for an unchecked dimension and an optional leading '...'. A text is at most 512 characters, 128 names, numbers and operators, and 32 nested parentheses. Real-valued layer arguments must be finite numbers.", helpLinkUri: HelpLinkRoot + "TW1005.md");

    public static readonly DiagnosticDescriptor MissingForward = new("TW1006", "No [Forward] method", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A model or block needs at least one method marked [Forward] that composes its layers.", helpLinkUri: HelpLinkRoot + "TW1006.md");

    public static readonly DiagnosticDescriptor MissingConfiguration = new("TW1007", "Configuration type missing", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "[Model] and [Block] take the configuration type: [Model(typeof(MyConfig))], a non-static class or record (not a struct, an enum or an open generic type).", helpLinkUri: HelpLinkRoot + "TW1007.md");

    public static readonly DiagnosticDescriptor InvalidTiedTo = new("TW1008", "TiedTo does not name an embedding layer", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "TiedTo must name an [Embedding] layer method of the same class, e.g. TiedTo = nameof(Embed).", helpLinkUri: HelpLinkRoot + "TW1008.md");

    public static readonly DiagnosticDescriptor NameClash = new("TW1009", "Generated name clashes", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "Two layers would store parameters under one name, or a generated member would collide with a member the class declares.", helpLinkUri: HelpLinkRoot + "TW1009.md");

    public static readonly DiagnosticDescriptor InvalidBlockUse = new("TW1010", "[Use] cannot use this block", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "[Use] takes a [Block] class with a [Forward] method, and one dimension expression per parameter of the block's configuration constructor, which must be public. A block cannot use itself, directly or through other blocks.", helpLinkUri: HelpLinkRoot + "TW1010.md");

    public static readonly DiagnosticDescriptor InvalidLayerName = new("TW1011", "Invalid layer name", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A layer's Name becomes a segment of its parameters' names: it must be non-empty and contain only ASCII letters, digits and '_'.", helpLinkUri: HelpLinkRoot + "TW1011.md");

    public static readonly DiagnosticDescriptor MultipleLayerAttributes = new("TW1012", "Method has several layer attributes", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A partial method is one layer; give each layer its own method.", helpLinkUri: HelpLinkRoot + "TW1012.md");

    public static readonly DiagnosticDescriptor InvalidForward = new("TW1013", "Invalid [Forward] method", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A [Forward] method is a non-generic instance method with a body and plain (not ref, out, in or params) parameters.", helpLinkUri: HelpLinkRoot + "TW1013.md");

    public static readonly DiagnosticDescriptor InvalidModelType = new("TW1014", "Type cannot be a model or block", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "Models and blocks are non-generic, non-static classes that are not file-local, each marked either [Model] or [Block].", helpLinkUri: HelpLinkRoot + "TW1014.md");

    public static readonly DiagnosticDescriptor UnknownLayer = new("TW1015", "Unknown layer attribute", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "The attribute derives from LayerAttribute but is not one of the layers this version of Torchwright implements.", helpLinkUri: HelpLinkRoot + "TW1015.md");

    public static readonly DiagnosticDescriptor MissingLayerArgument = new("TW1016", "Layer argument missing", "{0}", Contract, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A required size of a layer was not given.", helpLinkUri: HelpLinkRoot + "TW1016.md");

    // TW2xxx: hyperparameters that cannot work, from values known at compile time (literals, configuration defaults).

    public static readonly DiagnosticDescriptor HeadsDoNotDivide = new("TW2001", "Head count does not divide the width",
        "{0} needs {1}, but {2}", Hyperparameters, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "Multi-head attention splits the model width into equal heads: Heads must divide Dim. The check uses literals and the configuration's default values; the runtime would refuse to build the layer.", helpLinkUri: HelpLinkRoot + "TW2001.md");

    public static readonly DiagnosticDescriptor NonPositiveSize = new("TW2002", "Layer size is not positive",
        "{0} needs {1}, but {2}", Hyperparameters, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "Every size of a layer (widths, counts, depths, head counts) must be at least 1. The check uses literals and the configuration's default values.", helpLinkUri: HelpLinkRoot + "TW2002.md");

    public static readonly DiagnosticDescriptor TiedShapesDiffer = new("TW2003", "Tied weights have different shapes",
        "{0}", Hyperparameters, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A Linear layer tied to an Embedding shares its weight: the Linear's [OutFeatures, InFeatures] must equal the Embedding's [Count, Dim].", helpLinkUri: HelpLinkRoot + "TW2003.md");

    public static readonly DiagnosticDescriptor NonPositiveEpsilon = new("TW2004", "Normalisation epsilon is not positive",
        "{0} needs {1}, but {2}", Hyperparameters, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, description: "A normalisation adds Eps to a variance before taking its square root; with Eps <= 0 a constant input divides by zero.", helpLinkUri: HelpLinkRoot + "TW2004.md");

    public static readonly DiagnosticDescriptor ProbabilityOutOfRange = new("TW2005", "Probability outside [0, 1]",
        "{0} needs {1}, but {2}", Hyperparameters, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A dropout probability is the chance of zeroing a value: it must lie between 0 and 1.", helpLinkUri: HelpLinkRoot + "TW2005.md");

    // TW3xxx: shapes, inferred symbolically over [Forward] bodies; reported only when provably wrong.

    public static readonly DiagnosticDescriptor ShapeMismatch = new("TW3001", "Tensor shape does not match what the callee expects",
        "{0} expects {1} but receives {2}", Shapes, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A layer, block or [Forward] method receives a tensor one of whose dimensions provably differs from what it declares. Dimensions are compared symbolically; configuration defaults and literals decide between different names.", helpLinkUri: HelpLinkRoot + "TW3001.md");

    public static readonly DiagnosticDescriptor RankMismatch = new("TW3002", "Tensor rank does not match what the callee expects",
        "{0} expects {1} ({2}) but receives {3} ({4})", Shapes, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A layer, block or [Forward] method receives a tensor with a number of dimensions it cannot take.", helpLinkUri: HelpLinkRoot + "TW3002.md");

    public static readonly DiagnosticDescriptor ReturnShapeMismatch = new("TW3003", "Returned shape differs from the declared [return: Shape]",
        "'{0}' declares its result as {1} but returns {2}", Shapes, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "The shape inferred for a returned tensor provably differs from the method's [return: Shape]; the generated entry would throw.", helpLinkUri: HelpLinkRoot + "TW3003.md");

    public static readonly DiagnosticDescriptor IncompatibleOperands = new("TW3004", "Tensor operands have incompatible shapes",
        "{0} cannot combine {1} with {2}: {3}", Shapes, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "Elementwise operations broadcast (equal dimensions or 1), matrix products need matching inner dimensions, and cat/stack need equal dimensions apart from the joined one.", helpLinkUri: HelpLinkRoot + "TW3004.md");

    public static readonly DiagnosticDescriptor ElementCountMismatch = new("TW3005", "Reshape or split does not preserve the number of elements",
        "{0} cannot turn {1} into {2}: {3}", Shapes, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "view/reshape keep the number of elements, and the sizes given to split must add up to the split dimension.", helpLinkUri: HelpLinkRoot + "TW3005.md");

    public static readonly DiagnosticDescriptor DimensionOutOfRange = new("TW3006", "Dimension index out of range",
        "{0} uses dimension {1}, but the tensor {2} has rank {3}", Shapes, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A dimension argument (dim, transpose, permute, unsqueeze, reductions, cat, chunk, ...) must lie in [-rank, rank-1].", helpLinkUri: HelpLinkRoot + "TW3006.md");

    public static readonly DiagnosticDescriptor UncheckedEntryArgument = new("TW3007", "[Forward] tensor parameter has no [Shape]",
        "Tensor parameter '{0}' of [Forward] method '{1}' has no [Shape]: the entry does not check it and shape inference starts from nothing{2}", Shapes, DiagnosticSeverity.Info,
        isEnabledByDefault: true, description: "Declaring [Shape] on every tensor parameter of a [Forward] method lets the generated entry check it and the analyzers follow it through the body. Use [Shape(\"...\")] for a tensor of any shape.", helpLinkUri: HelpLinkRoot + "TW3007.md");

    public static readonly DiagnosticDescriptor LayerShapeContradiction = new("TW3008", "Declared [Shape] of a layer input contradicts the layer",
        "The [Shape] of input '{0}' of '{1}' is {2}, but a {3} layer with these arguments takes {4}", Shapes, DiagnosticSeverity.Error,
        isEnabledByDefault: true, description: "A [Shape] on a layer method's parameter documents what the layer receives; it must agree with the layer's own signature.", helpLinkUri: HelpLinkRoot + "TW3008.md");

    // TW4xxx: capture safety inside [Capturable] methods.

    public static readonly DiagnosticDescriptor HostSynchronisation = new("TW4001", "Host synchronisation in a capturable method",
        "'{0}' in [Capturable] method '{1}' {2}", Capture, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, description: "Reading tensor values on the host (item, ToArray, data<T>, cpu(), conversions, ToString, printing) waits for the device; a captured graph cannot contain such a wait and a replay would not repeat it.", helpLinkUri: HelpLinkRoot + "TW4001.md");

    public static readonly DiagnosticDescriptor DataDependentShape = new("TW4002", "Data-dependent shape in a capturable method",
        "'{0}' in [Capturable] method '{1}' {2}", Capture, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, description: "nonzero, masked_select, unique, boolean-mask indexing and the like produce tensors whose size depends on the values; a captured graph has fixed shapes.", helpLinkUri: HelpLinkRoot + "TW4002.md");

    public static readonly DiagnosticDescriptor TensorControlFlow = new("TW4003", "C# control flow on a tensor value in a capturable method",
        "'{0}' in [Capturable] method '{1}' {2}", Capture, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, description: "A branch or loop that depends on a tensor's value is decided once, on the host, when the graph is captured; a replay always takes the captured path.", helpLinkUri: HelpLinkRoot + "TW4003.md");

    public static readonly DiagnosticDescriptor ManagedDataTensor = new("TW4004", "Tensor built from managed data in a capturable method",
        "'{0}' in [Capturable] method '{1}' {2}", Capture, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, description: "torch.tensor(array), from_array, as_tensor and implicit conversions from arrays copy host memory into a new tensor; the copy is captured once with the values of that moment, and later changes to the array are not seen on replay.", helpLinkUri: HelpLinkRoot + "TW4004.md");

    public static readonly DiagnosticDescriptor UnseededRandom = new("TW4005", "Random operation without an explicit generator in a capturable method",
        "'{0}' in [Capturable] method '{1}' {2}", Capture, DiagnosticSeverity.Warning,
        isEnabledByDefault: true, description: "Random operations draw from the default generator, whose state a replayed graph does not advance the way eager code does; pass an explicit generator that the capture plan owns, or keep randomness outside the captured region.", helpLinkUri: HelpLinkRoot + "TW4005.md");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = typeof(Descriptors)
        .GetFields()
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
        .ToDictionary(descriptor => descriptor.Id);

    /// <summary>Every descriptor, for the analyzers' SupportedDiagnostics and the docs test.</summary>
    public static IReadOnlyCollection<DiagnosticDescriptor> All => ById.Values;

    public static DiagnosticDescriptor Get(string id) => ById[id];
}
