using System;
using Torchwright.Bench;

namespace Torchwright.Benchmarks;

/// <summary>Command line: <c>--quick</c> (under five minutes), <c>--out-of-process</c>, <c>--filter TEXT</c> (cases whose name, size or mode contain TEXT).</summary>
public sealed record BenchOptions(bool Quick, bool OutOfProcess, string? Filter, string ArtifactsDirectory)
{
    public int MemoryIterations => Quick ? 100 : 10_000;

    // Resident memory climbs for the first ~150 medium forwards (allocator and thread-pool warm-up) and is flat after.
    public int MemoryWarmup => Quick ? 150 : 200;

    public int RooflineRepeats => Quick ? 3 : 10;

    /// <summary>
    /// Quick mode leaves out the cases that take minutes on two cores and carry none of the speed-up
    /// targets: large training steps and the large bf16 cast. The full run measures them.
    /// </summary>
    public bool SkippedInQuick(BenchCase c) =>
        Quick && c.Size == BenchSize.Large && (c.Mode == BenchMode.TrainStep || c.Precision == "bf16");

    public static BenchOptions Parse(string[] args)
    {
        bool quick = false, outOfProcess = false;
        string? filter = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--out-of-process": outOfProcess = true; break;
                case "--filter" when i + 1 < args.Length: filter = args[++i]; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' (use --quick, --out-of-process, --filter TEXT)");
            }
        }
        return new BenchOptions(quick, outOfProcess, filter, BenchPaths.Artifacts());
    }
}
