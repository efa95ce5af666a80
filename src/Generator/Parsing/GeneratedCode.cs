using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Torchwright.Generator.Parsing;

/// <summary>
/// Tells members this generator wrote from members the user wrote. Analyzers see the compilation with
/// the generated half included; the parser must judge the user's half only.
/// </summary>
internal static class GeneratedCode
{
    // Generated trees are named "<generator assembly>/<generator type>/<hint name>".
    private static readonly string Marker = typeof(ModuleGenerator).FullName + "/";

    public static bool IsOurs(ISymbol symbol)
        => symbol.DeclaringSyntaxReferences.Length > 0
            && symbol.DeclaringSyntaxReferences.All(reference => reference.SyntaxTree.FilePath.Replace('\\', '/').IndexOf(Marker, StringComparison.Ordinal) >= 0);
}
