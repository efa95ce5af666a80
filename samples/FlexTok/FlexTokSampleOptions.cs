using System;
using System.Globalization;

namespace Torchwright.Samples.FlexTokSample;

/// <summary>Command-line options: <c>--quick</c> (150 steps), <c>--steps N</c> (default 600), <c>--out DIR</c> (default artifacts/flextok).</summary>
internal sealed record FlexTokSampleOptions(bool Quick, int Steps, string OutputDirectory)
{
    public static FlexTokSampleOptions Parse(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? 150 : 600;
        var output = System.IO.Path.Combine("artifacts", "flextok");
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
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: FlexTok [--quick] [--steps N] [--out DIR]");
            }
        }
        if (steps < 1) throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        return new FlexTokSampleOptions(quick, steps, output);
    }
}
