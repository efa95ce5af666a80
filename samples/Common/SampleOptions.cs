using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Torchwright.Samples;

/// <summary>
/// The command line the training samples share: <c>--quick</c> (a short run), <c>--steps N</c>, <c>--threads N</c>
/// (torch threads; default all cores unless the sample sets its own), <c>--out DIR</c> (default artifacts/&lt;sample&gt;), and any numeric options a
/// sample declares for itself (read with <see cref="Number"/>).
/// </summary>
/// <param name="Quick">A short run was asked for.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Threads">Torch threads.</param>
/// <param name="OutputDirectory">Where the sample writes its files.</param>
/// <param name="Numbers">The values given for the sample's own options, by option name.</param>
internal sealed record SampleOptions(bool Quick, int Steps, int Threads, string OutputDirectory, IReadOnlyDictionary<string, double> Numbers)
{
    /// <summary>Reads the options of the sample <paramref name="name"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="name">The sample's name, for the usage line; its lower-case form names the default output folder.</param>
    /// <param name="quickSteps">Steps with <c>--quick</c>.</param>
    /// <param name="fullSteps">Steps otherwise.</param>
    /// <param name="defaultThreads">Torch threads without <c>--threads</c>; 0 for all cores.</param>
    /// <param name="numberOptions">The sample's own options, each followed by a number (e.g. <c>--seed</c>).</param>
    public static SampleOptions Parse(string[] args, string name, int quickSteps, int fullSteps, int defaultThreads = 0, params string[] numberOptions)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var steps = quick ? quickSteps : fullSteps;
        var threads = defaultThreads > 0 ? defaultThreads : Environment.ProcessorCount;
        var output = Path.Combine("artifacts", name.ToLowerInvariant());
        var numbers = new Dictionary<string, double>();
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            var hasValue = i + 1 < args.Length;
            switch (option)
            {
                case "--quick":
                    break;
                case "--steps" when hasValue:
                    steps = WholeNumber(option, args[++i]);
                    break;
                case "--threads" when hasValue:
                    threads = WholeNumber(option, args[++i]);
                    break;
                case "--out" when hasValue:
                    output = args[++i];
                    break;
                case var own when hasValue && numberOptions.Contains(own):
                    numbers[own] = double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                        ? value
                        : throw new ArgumentException($"{own} takes a number, not '{args[i]}'.");
                    break;
                default:
                    var usage = string.Concat(numberOptions.Select(o => $" [{o} X]"));
                    throw new ArgumentException($"Unknown option '{option}'. Usage: {name} [--quick] [--steps N] [--threads N]{usage} [--out DIR]");
            }
        }
        if (steps < 1)
        {
            throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        }
        if (threads < 1)
        {
            throw new ArgumentException($"--threads must be at least 1, got {threads}.");
        }
        return new SampleOptions(quick, steps, threads, output, numbers);
    }

    /// <summary>The value given for the sample's own <paramref name="option"/>, or <paramref name="fallback"/>.</summary>
    /// <param name="option">An option declared to <see cref="Parse"/>.</param>
    /// <param name="fallback">Its default.</param>
    public double Number(string option, double fallback) => Numbers.TryGetValue(option, out var value) ? value : fallback;

    private static int WholeNumber(string option, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"{option} takes a whole number, not '{text}'.");
}
