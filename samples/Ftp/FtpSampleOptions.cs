using System;
using System.Globalization;

namespace Torchwright.Samples.FtpSample;

/// <summary>Command-line options: <c>--quick</c> (100 steps), <c>--steps N</c> (default 300), <c>--out DIR</c> (default artifacts/ftp).</summary>
internal sealed record FtpSampleOptions(bool Quick, int Steps, string OutputDirectory)
{
    public static FtpSampleOptions Parse(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? 100 : 300;
        var output = System.IO.Path.Combine("artifacts", "ftp");
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
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: Ftp [--quick] [--steps N] [--out DIR]");
            }
        }
        if (steps < 1) throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        return new FtpSampleOptions(quick, steps, output);
    }
}
