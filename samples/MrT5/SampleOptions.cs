using System;
using System.Globalization;

namespace Torchwright.Samples.MrT5;

/// <summary>Command-line options: <c>--quick</c>, <c>--steps N</c>, <c>--target D</c>, <c>--seed S</c>, <c>--threads N</c>, <c>--out DIR</c>.</summary>
internal sealed record SampleOptions(bool Quick, int Steps, double Target, long Seed, int Threads, string OutputDirectory)
{
    public static SampleOptions Parse(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? 200 : 400;
        var target = 0.4;
        var seed = 1234L;
        var threads = Environment.ProcessorCount;
        var output = System.IO.Path.Combine("artifacts", "mrt5");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--steps" when i + 1 < args.Length:
                    steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--target" when i + 1 < args.Length:
                    target = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seed" when i + 1 < args.Length:
                    seed = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--threads" when i + 1 < args.Length:
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: MrT5 [--quick] [--steps N] [--target D] [--seed S] [--threads N] [--out DIR]");
            }
        }
        return new SampleOptions(quick, steps, target, seed, threads, output);
    }
}
