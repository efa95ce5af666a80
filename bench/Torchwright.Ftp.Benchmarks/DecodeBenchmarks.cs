using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Torchwright.Models.Ftp;
using static TorchSharp.torch;

namespace Torchwright.Ftp.Benchmarks;

/// <summary>
/// Generating <see cref="Tokens"/> tokens after a 16-token prompt with the trained tiny FTP model (default sizes,
/// context 64), one token per encoder call against draft-and-verify; greedy and sampled (temperature 1, re-seeded per
/// call so every invocation does the same work).
/// </summary>
public class DecodeBenchmarks
{
    public const int Tokens = 40;

    /// <summary>The trained model and prompt, prepared by the program before the run (in-process toolchain).</summary>
    public static FtpModel? Trained { get; set; }

    /// <summary>The prompt.</summary>
    public static IReadOnlyList<long> Prompt { get; set; } = Array.Empty<long>();

    public IEnumerable<string> Modes => new[] { "greedy-one-step", "greedy-draft", "sampled-one-step", "sampled-draft" };

    [ParamsSource(nameof(Modes))]
    public string Mode { get; set; } = "";

    [Benchmark]
    public int Generate()
    {
        var model = Trained ?? throw new InvalidOperationException("The program trains the decoding model before the run.");
        using var generator = new Generator(11);
        var sampling = Mode.StartsWith("sampled", StringComparison.Ordinal) ? new DraftSampling(1.0, generator) : null;
        return Mode.EndsWith("draft", StringComparison.Ordinal)
            ? FtpDecoding.Draft(model, Prompt, Tokens, sampling).Tokens.Count
            : FtpDecoding.OneStep(model, Prompt, Tokens, sampling).Count;
    }
}
