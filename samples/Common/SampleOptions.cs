using System;
using System.Globalization;
using System.IO;

namespace Torchwright.Samples;

/// <summary>
/// The command line the training samples share: <c>--quick</c> (a short run), <c>--steps N</c>, <c>--out DIR</c>
/// (default artifacts/&lt;sample&gt;).
/// </summary>
/// <param name="Quick">A short run was asked for.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="OutputDirectory">Where the sample writes its files.</param>
internal sealed record SampleOptions(bool Quick, int Steps, string OutputDirectory)
{
    /// <summary>Reads the options of the sample <paramref name="name"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="name">The sample's name, for the usage line; its lower-case form names the default output folder.</param>
    /// <param name="quickSteps">Steps with <c>--quick</c>.</param>
    /// <param name="fullSteps">Steps otherwise.</param>
    public static SampleOptions Parse(string[] args, string name, int quickSteps, int fullSteps)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? quickSteps : fullSteps;
        var output = Path.Combine("artifacts", name.ToLowerInvariant());
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--steps" when i + 1 < args.Length:
                    steps = int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                        ? n
                        : throw new ArgumentException($"--steps takes a whole number, not '{args[i]}'.");
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {name} [--quick] [--steps N] [--out DIR]");
            }
        }
        if (steps < 1)
        {
            throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        }
        return new SampleOptions(quick, steps, output);
    }
}
