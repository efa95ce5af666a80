using System.Collections.Generic;
using System.Linq;
using Torchwright.Generator.Shapes;

namespace Torchwright.Generator.Emit;

/// <summary>
/// Emits the shape checks at a guarded entry. Free symbols (<c>B</c>, <c>T</c>) are bound by the first
/// tensor that carries them as a whole dimension; later dimensions are compared with what is known.
/// Straight-line code with no allocation on the success path.
/// </summary>
internal sealed class ShapeGuardEmitter(SourceWriter writer, string entry, HashSet<string> configNames)
{
    private readonly Dictionary<string, string> bound = new();

    public void Check(string tensor, string shape)
    {
        var dimensions = DimParser.ParseShape(shape).Dimensions;
        var actual = tensor + "Shape";
        var symbolic = string.Join(",", dimensions.Select(d => d.ToString()));
        writer.Line($"var {actual} = {tensor}.shape;");
        writer.Line($"if ({actual}.Length != {dimensions.Length}) throw global::Torchwright.Runtime.ShapeGuard.RankMismatch(\"{entry}\", \"{tensor}\", \"{symbolic}\", {actual});");

        // Bind new symbols first, so that "T,T" and "B,T,T+1" compare against values of this tensor too.
        var bindingIndices = new HashSet<int>();
        for (var i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] is DimSymbol { Name: var name } && !configNames.Contains(name) && !bound.ContainsKey(name))
            {
                var local = "dim" + name;
                bound[name] = local;
                bindingIndices.Add(i);
                writer.Line($"var {local} = {actual}[{i}];");
            }
        }

        var expected = new List<string>();
        var comparisons = new List<string>();
        for (var i = 0; i < dimensions.Length; i++)
        {
            var value = dimensions[i] is DimWildcard ? null : DimEmitter.ToCSharp(dimensions[i], Symbol);
            expected.Add(value ?? "null");
            if (value is not null && !bindingIndices.Contains(i))
            {
                comparisons.Add($"{actual}[{i}] != {Wrap(value)}");
            }
        }
        if (comparisons.Count > 0)
        {
            writer.Line($"if ({string.Join(" || ", comparisons)})");
            writer.Indent();
            writer.Line($"throw global::Torchwright.Runtime.ShapeGuard.Mismatch(\"{entry}\", \"{tensor}\", \"{symbolic}\", new long?[] {{ {string.Join(", ", expected)} }}, {actual});");
            writer.Unindent();
        }
    }

    private string? Symbol(string name)
    {
        if (configNames.Contains(name))
        {
            return "Config." + name;
        }
        return bound.TryGetValue(name, out var local) ? local : null;
    }

    private static string Wrap(string value) => value.Contains(' ') ? "(" + value + ")" : value;
}
