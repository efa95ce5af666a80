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

    /// <summary>Where the help page of an ID lives, relative to the repository; see docs/diagnostics.</summary>
    public const string HelpLinkRoot = "docs/diagnostics/";

    public static readonly DiagnosticDescriptor CannotExpand = Create("TW0001", Generator, DiagnosticSeverity.Error,
        "Torchwright cannot expand this type",
        "Torchwright cannot expand '{0}': {1}",
        "The generator could not turn the annotated type into a module. The analyzers report each problem with its own ID.");

    public static readonly DiagnosticDescriptor InternalError = Create("TW0002", Generator, DiagnosticSeverity.Error,
        "Torchwright generator failed unexpectedly",
        "Torchwright could not generate '{0}' because of an internal error: {1}",
        "An unexpected exception inside the generator was caught and turned into this diagnostic instead of crashing the compiler. Please report it with the source that caused it.");

    public static readonly DiagnosticDescriptor NotPartial = Contractual("TW1001", "Model or block type is not partial",
        "A [Model] or [Block] class, and every type enclosing it, must be declared partial so that the generator can add the module's members.");

    public static readonly DiagnosticDescriptor LayerNotPartial = Contractual("TW1002", "Layer method must be partial without a body",
        "A method carrying a layer attribute is implemented by the generator; declare it 'partial' and leave out the body.");

    public static readonly DiagnosticDescriptor LayerSignature = Contractual("TW1003", "Layer method has the wrong signature",
        "A layer method is an instance method that takes the layer's input tensors and returns a Tensor.");

    public static readonly DiagnosticDescriptor UnknownConfigMember = Contractual("TW1004", "Unknown configuration member",
        "Dimension expressions may only name public members of the configuration type, integers and arithmetic.");

    public static readonly DiagnosticDescriptor InvalidExpression = Contractual("TW1005", "Dimension expression or shape cannot be read",
        "A dimension expression is made of configuration members, integers, + - * / % and parentheses; a shape is a comma-separated list of them, with '_' for an unchecked dimension and an optional leading '...'.");

    public static readonly DiagnosticDescriptor MissingForward = Contractual("TW1006", "No [Forward] method",
        "A model or block needs at least one method marked [Forward] that composes its layers.");

    public static readonly DiagnosticDescriptor MissingConfiguration = Contractual("TW1007", "Configuration type missing",
        "[Model] and [Block] take the configuration type: [Model(typeof(MyConfig))].");

    public static readonly DiagnosticDescriptor InvalidTiedTo = Contractual("TW1008", "TiedTo does not name an embedding layer",
        "TiedTo must name an [Embedding] layer method of the same class, e.g. TiedTo = nameof(Embed).");

    public static readonly DiagnosticDescriptor NameClash = Contractual("TW1009", "Generated name clashes",
        "Two layers would store parameters under one name, or a generated member would collide with a member the class declares.");

    public static readonly DiagnosticDescriptor InvalidBlockUse = Contractual("TW1010", "[Use] cannot use this block",
        "[Use] takes a [Block] class with a [Forward] method, and one dimension expression per parameter of the block's configuration constructor.");

    public static readonly DiagnosticDescriptor InvalidLayerName = Contractual("TW1011", "Invalid layer name",
        "A layer's Name becomes a segment of its parameters' names: it must be non-empty and contain no '.'.");

    public static readonly DiagnosticDescriptor MultipleLayerAttributes = Contractual("TW1012", "Method has several layer attributes",
        "A partial method is one layer; give each layer its own method.");

    public static readonly DiagnosticDescriptor InvalidForward = Contractual("TW1013", "Invalid [Forward] method",
        "A [Forward] method is a non-generic instance method with a body and plain (not ref, out, in or params) parameters.");

    public static readonly DiagnosticDescriptor InvalidModelType = Contractual("TW1014", "Type cannot be a model or block",
        "Models and blocks are non-generic, non-static classes.");

    public static readonly DiagnosticDescriptor UnknownLayer = Contractual("TW1015", "Unknown layer attribute",
        "The attribute derives from LayerAttribute but is not one of the layers this version of Torchwright implements.");

    public static readonly DiagnosticDescriptor MissingLayerArgument = Contractual("TW1016", "Layer argument missing",
        "A required size of a layer was not given.");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = typeof(Descriptors)
        .GetFields()
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
        .ToDictionary(descriptor => descriptor.Id);

    /// <summary>Every descriptor, for the analyzers' SupportedDiagnostics and the docs test.</summary>
    public static IReadOnlyCollection<DiagnosticDescriptor> All => ById.Values;

    public static DiagnosticDescriptor Get(string id) => ById[id];

    private static DiagnosticDescriptor Contractual(string id, string title, string description)
        => Create(id, Contract, DiagnosticSeverity.Error, title, "{0}", description);

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity, string title, string message, string description)
        => new(id, title, message, category, severity, isEnabledByDefault: true, description: description,
            helpLinkUri: HelpLinkRoot + id + ".md");
}
