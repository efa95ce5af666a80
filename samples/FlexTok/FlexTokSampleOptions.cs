using System;
using System.Globalization;

namespace Torchwright.Samples.FlexTokSample;

/// <summary>Command-line options: <c>--quick</c> (150 steps), <c>--steps N</c> (default 600), <c>--threads N</c> (torch threads; default all cores), <c>--out DIR</c> (default artifacts/flextok).</summary>
internal sealed record FlexTokSampleOptions(bool Quick, int Steps, int Threads, string OutputDirectory)
{
    public static FlexTokSampleOptions Parse(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? 150 : 600;
        var output = System.IO.Path.Combine("artifacts", "flextok");
        var threads = Environment.ProcessorCount;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--steps" when i + 1 < args.Length:
                    steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--threads" when i + 1 < args.Length:
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: FlexTok [--quick] [--steps N] [--threads N] [--out DIR]");
            }
        }
        if (steps < 1) throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}.");
        return new FlexTokSampleOptions(quick, steps, threads, output);
    }
}
