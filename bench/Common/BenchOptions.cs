using System;
using System.Globalization;

namespace Torchwright.Bench;

/// <summary>Command line shared by the benchmark programs: <c>--quick</c> (fewer iterations), <c>--threads N</c>
/// (torch threads; default: torch's own), <c>--out DIR</c> (default: artifacts/bench).</summary>
public sealed record BenchOptions(bool Quick, int? Threads, string ArtifactsDirectory)
{
    public static BenchOptions Parse(string[] args)
    {
        var quick = false;
        int? threads = null;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--threads" when i + 1 < args.Length: threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out" when i + 1 < args.Length: output = args[++i]; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' (use --quick, --threads N, --out DIR)");
            }
        }
        return new BenchOptions(quick, threads, output ?? BenchPaths.Artifacts());
    }
}
