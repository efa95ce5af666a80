using System.Collections.Generic;
using System.Linq;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Shapes;

namespace Torchwright.Generator.Emit;

/// <summary>
/// Emits the shape checks at a guarded entry. Free symbols (<c>B</c>, <c>T</c>) are bound by the first
/// tensor that carries them as a whole dimension; later dimensions are compared with what is known.
/// Straight-line code with no allocation on the success path. Its locals start with <c>__tw_</c> (C# reserves
/// names with a double underscore), so that no parameter name of the user's can hide them or be hidden.
/// </summary>
internal sealed class ShapeGuardEmitter(SourceWriter writer, string entry, HashSet<string> configNames)
{
    private readonly Dictionary<string, string> bound = new();
    private readonly HashSet<string> locals = new();

    /// <summary>Checks the tensor <paramref name="expression"/> (C#), called <paramref name="tensor"/> in messages.</summary>
    public void Check(string tensor, string expression, string shape)
    {
        var all = DimParser.ParseShape(shape).Dimensions;
        var leading = all.Length > 0 && all[0] is DimEllipsis;
        var dimensions = leading ? all.RemoveAt(0) : all;
        var actual = Local(tensor + "Shape");
        var symbolic = string.Join(",", all.Select(d => d.ToString()));
        var guard = "global::Torchwright.Runtime.ShapeGuard";
        writer.Line($"var {actual} = {expression}.shape;");
        writer.Line(leading
            ? $"if ({actual}.Length < {dimensions.Length}) throw {guard}.RankTooSmall(\"{entry}\", \"{tensor}\", \"{symbolic}\", {dimensions.Length}, {actual});"
            : $"if ({actual}.Length != {dimensions.Length}) throw {guard}.RankMismatch(\"{entry}\", \"{tensor}\", \"{symbolic}\", {actual});");

        // With a leading "...", the declared dimensions are the trailing ones.
        string At(int i) => leading ? $"{actual}[{actual}.Length - {dimensions.Length - i}]" : $"{actual}[{i}]";

        // Bind new symbols first, so that "T,T" and "B,T,T+1" compare against values of this tensor too.
        var bindingIndices = new HashSet<int>();
        for (var i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] is DimSymbol { Name: var name } && !configNames.Contains(name) && !bound.ContainsKey(name))
            {
                var local = Local("dim" + name);
                bound[name] = local;
                bindingIndices.Add(i);
                writer.Line($"var {local} = {At(i)};");
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
                comparisons.Add($"{At(i)} != {Wrap(value)}");
            }
        }
        if (comparisons.Count > 0)
        {
            var mismatch = leading
                ? $"{guard}.TrailingMismatch(\"{entry}\", \"{tensor}\", \"{symbolic}\", new long?[] {{ {string.Join(", ", expected)} }}, {actual})"
                : $"{guard}.Mismatch(\"{entry}\", \"{tensor}\", \"{symbolic}\", new long?[] {{ {string.Join(", ", expected)} }}, {actual})";
            writer.Line($"if ({string.Join(" || ", comparisons)})");
            writer.Indent();
            writer.Line($"throw {mismatch};");
            writer.Unindent();
        }
    }

    private string? Symbol(string name)
    {
        if (configNames.Contains(name))
        {
            return "this.Config." + Naming.Escape(name);
        }
        return bound.TryGetValue(name, out var local) ? local : null;
    }

    // A parameter 'dim' of shape "Shape" and a symbol 'Shape' would both want __tw_dimShape.
    private string Local(string name)
    {
        var local = "__tw_" + name;
        for (var i = 2; !locals.Add(local); i++)
        {
            local = "__tw_" + name + i;
        }
        return local;
    }

    private static string Wrap(string value) => value.Contains(' ') ? "(" + value + ")" : value;
}
