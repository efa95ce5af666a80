using System;
using System.Globalization;

namespace Torchwright.Samples.Hat;

/// <summary>Command-line options: <c>--quick</c>, <c>--steps N</c>, <c>--out DIR</c>.</summary>
internal sealed record HatSampleOptions(bool Quick, int Steps, string OutputDirectory)
{
    public static HatSampleOptions Parse(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? 120 : 400;
        var output = System.IO.Path.Combine("artifacts", "hat");
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
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: Hat [--quick] [--steps N] [--out DIR]");
            }
        }
        if (steps < 1)
        {
            throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        }
        return new HatSampleOptions(quick, steps, output);
    }
}
