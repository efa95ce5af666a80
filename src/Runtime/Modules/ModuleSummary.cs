using Parameter = TorchSharp.Modules.Parameter;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TorchSharp;

namespace Torchwright.Runtime;

/// <summary>Counts and describes a module's parameters.</summary>
public static class ModuleSummary
{
    /// <summary>The number of values in distinct parameters (a tied weight counts once).</summary>
    /// <param name="module">The module to count.</param>
    public static long CountParameters(torch.nn.Module module)
        => DistinctParameters(module).Sum(entry => entry.parameter.numel());

    /// <summary>A table: one row per parameter with its name, shape and count, and a total.</summary>
    /// <param name="module">The module to describe.</param>
    public static string Describe(torch.nn.Module module)
    {
        var rows = DistinctParameters(module).ToList();
        var nameWidth = rows.Count == 0 ? 4 : rows.Max(row => row.name.Length);
        var text = new StringBuilder();
        text.Append(module.GetName()).Append(" — ").Append(Format(rows.Sum(r => r.parameter.numel()))).Append(" parameters\n");
        foreach (var (name, parameter) in rows)
        {
            var shape = "[" + string.Join(", ", parameter.shape) + "]";
            text.Append("  ").Append(name.PadRight(nameWidth)).Append("  ").Append(shape.PadRight(14))
                .Append(Format(parameter.numel()).PadLeft(12)).Append('\n');
        }
        return text.ToString();
    }

    private static IEnumerable<(string name, Parameter parameter)> DistinctParameters(torch.nn.Module module)
    {
        var seen = new HashSet<System.IntPtr>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (seen.Add(parameter.Handle))
            {
                yield return (name, parameter);
            }
        }
    }

    private static string Format(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
