using System;
using Torchwright.Bench;

namespace Torchwright.Hat.Benchmarks;

/// <summary>Command line: <c>--quick</c> (fewer iterations), <c>--out-of-process</c>, <c>--threads N</c> (torch intra-op threads; default all cores).</summary>
public sealed record HatBenchOptions(bool Quick, bool OutOfProcess, int Threads, string ArtifactsDirectory)
{
    /// <summary>Measured iterations per benchmark.</summary>
    public int Iterations => Quick ? 3 : 25;

    /// <summary>Warm-up iterations per benchmark (after the jitting one).</summary>
    public int Warmups => Quick ? 0 : 2;

    public static HatBenchOptions Parse(string[] args)
    {
        bool quick = false, outOfProcess = false;
        int threads = Environment.ProcessorCount;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--out-of-process": outOfProcess = true; break;
                case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0: threads = n; i++; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' (use --quick, --out-of-process, --threads N)");
            }
        }
        return new HatBenchOptions(quick, outOfProcess, threads, BenchPaths.Artifacts());
    }
}
