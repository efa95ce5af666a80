using System;
using Torchwright.Bench;

namespace Torchwright.Ftp.Benchmarks;

/// <summary>Command line: <c>--quick</c> (fewer iterations, a shorter training run for the decoding model).</summary>
public sealed record FtpBenchOptions(bool Quick, string ArtifactsDirectory)
{
    /// <summary>Training steps of the tiny model whose decoding is measured.</summary>
    public int DecodingModelSteps => Quick ? 100 : 300;

    /// <summary>Alternating rounds of the paired training-step timing.</summary>
    public int PairedRounds => Quick ? 5 : 11;

    public static FtpBenchOptions Parse(string[] args)
    {
        var quick = false;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--quick": quick = true; break;
                default: throw new ArgumentException($"unknown argument '{arg}' (use --quick)");
            }
        }
        return new FtpBenchOptions(quick, BenchPaths.Artifacts());
    }
}
