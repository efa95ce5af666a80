using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Torchwright.Generator.Parsing;

/// <summary>Turns symbols and attribute constants into the plain strings a spec holds.</summary>
internal static class SymbolText
{
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier
            | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    public static string TypeName(ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    public static string MetadataName(ITypeSymbol type)
        => type.ContainingNamespace is { IsGlobalNamespace: false } ns
            ? ns.ToDisplayString() + "." + type.MetadataName
            : type.MetadataName;

    public static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    /// <summary>What kind of type <paramref name="type"/> is, in C# words: "record struct", "enum", ...</summary>
    public static string Kind(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        TypeKind.Class => type.IsRecord ? "record" : "class",
        _ => type.TypeKind.ToString().ToLowerInvariant(),
    };

    /// <summary>A constant as the spec stores it: strings raw, booleans and numbers as C# literals,
    /// enum values by member name, types fully qualified.</summary>
    public static string? Constant(TypedConstant constant)
    {
        if (constant.IsNull)
        {
            return null;
        }
        switch (constant.Kind)
        {
            case TypedConstantKind.Primitive:
                return constant.Value switch
                {
                    string text => text,
                    bool flag => flag ? "true" : "false",
                    double real => real.ToString("R", CultureInfo.InvariantCulture),
                    float real => real.ToString("R", CultureInfo.InvariantCulture),
                    System.IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
                    _ => constant.Value?.ToString(),
                };
            case TypedConstantKind.Enum:
                var member = constant.Type?.GetMembers().OfType<IFieldSymbol>()
                    .FirstOrDefault(field => field.HasConstantValue && Equals(field.ConstantValue, constant.Value));
                return member?.Name ?? (constant.Value as System.IFormattable)?.ToString(null, CultureInfo.InvariantCulture);
            case TypedConstantKind.Type:
                return constant.Value is ITypeSymbol type ? TypeName(type) : null;
            default:
                return null;
        }
    }
}
