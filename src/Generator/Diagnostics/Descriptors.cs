using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Torchwright.Generator.Diagnostics;

/// <summary>
/// Every diagnostic Torchwright reports. The generator itself reports only <see cref="CannotExpand"/>;
/// the specific checks belong to the analyzers.
/// </summary>
internal static class Descriptors
{
    public static readonly DiagnosticDescriptor CannotExpand = new(
        id: "TW0001",
        title: "Torchwright cannot expand this type",
        messageFormat: "Torchwright cannot expand '{0}': {1}",
        category: "Torchwright.Generator",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator could not turn the annotated type into a module. The message names the construct it could not read.");

    public static readonly DiagnosticDescriptor InternalError = new(
        id: "TW0002",
        title: "Torchwright generator failed unexpectedly",
        messageFormat: "Torchwright could not generate '{0}' because of an internal error: {1}",
        category: "Torchwright.Generator",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "An unexpected exception inside the generator was caught and turned into this diagnostic instead of crashing the compiler. Please report it with the source that caused it.");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = new()
    {
        [CannotExpand.Id] = CannotExpand,
        [InternalError.Id] = InternalError,
    };

    public static DiagnosticDescriptor ById(string id) => All[id];
}
