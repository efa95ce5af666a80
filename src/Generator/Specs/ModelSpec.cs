namespace Torchwright.Generator.Specs;

/// <summary>What the generator knows about one <c>[Model]</c> or <c>[Block]</c> class: plain values only,
/// so that equal sources give equal specs and the pipeline caches.</summary>
internal sealed record ModelSpec(
    TypeSpec Type,
    bool IsBlock,
    ConfigSpec Config,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<ForwardSpec> Forwards,
    string Precision = "Float32");

/// <summary>Where the class lives and how it is declared.</summary>
/// <param name="Namespace">Containing namespace, empty for the global namespace.</param>
/// <param name="Name">The class name.</param>
/// <param name="Accessibility">C# accessibility keyword(s) of the class.</param>
/// <param name="ContainingTypes">Enclosing type declarations, outermost first, e.g. "partial class Outer".</param>
internal sealed record TypeSpec(
    string Namespace,
    string Name,
    string Accessibility,
    EquatableArray<string> ContainingTypes)
{
    public string FullName => (Namespace.Length == 0 ? "" : Namespace + ".") + QualifiedName;

    public string QualifiedName
    {
        get
        {
            var name = Name;
            for (var i = ContainingTypes.Count - 1; i >= 0; i--)
            {
                var declaration = ContainingTypes[i];
                name = declaration.Substring(declaration.LastIndexOf(' ') + 1) + "." + name;
            }
            return name;
        }
    }
}

/// <summary>The configuration type and the members that dimension expressions may name.</summary>
internal sealed record ConfigSpec(
    string FullyQualifiedName,
    EquatableArray<ConfigMemberSpec> Members,
    EquatableArray<string> ConstructorParameters,
    bool IsPublic = true);

/// <summary>A configuration member: its name, C# type and, where known at compile time, its default.</summary>
internal sealed record ConfigMemberSpec(string Name, string Type, string? DefaultValue);
