using System;
using System.Globalization;

namespace Torchwright.Samples.Quickstart;

/// <summary>Command-line options: <c>--quick</c>, <c>--steps N</c>, <c>--out DIR</c>.</summary>
internal sealed record QuickstartOptions(bool Quick, int Steps, string OutputDirectory)
{
    public static QuickstartOptions Parse(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? 150 : 450;
        var output = System.IO.Path.Combine("artifacts", "quickstart");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--steps" when i + 1 < args.Length:
                    steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: Quickstart [--quick] [--steps N] [--out DIR]");
            }
        }
        return new QuickstartOptions(quick, steps, output);
    }
}
