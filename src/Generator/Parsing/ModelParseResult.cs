using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Specs;

namespace Torchwright.Generator.Parsing;

/// <summary>A spec when the type could be read, and the reasons it could not otherwise.</summary>
internal sealed record ModelParseResult(ModelSpec? Spec, string TypeName, EquatableArray<DiagnosticInfo> Diagnostics);
