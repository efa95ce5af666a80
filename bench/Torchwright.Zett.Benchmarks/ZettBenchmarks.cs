using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Torchwright.Zett.Benchmarks;

/// <summary>The BenchmarkDotNet class: one benchmark per workload; baselines and candidates are runs of the same method.</summary>
public class ZettBenchmarks
{
    private ZettWorkload? workload;

    /// <summary>The runs to measure; the program sets it.</summary>
    public static IReadOnlyList<string> Selected { get; set; } = Program.RunKeys;

    public IEnumerable<string> Runs => Selected;

    [ParamsSource(nameof(Runs))]
    public string RunKey { get; set; } = "";

    [GlobalSetup]
    public void Setup() => workload = ZettWorkload.Create(RunKey);

    [GlobalCleanup]
    public void Cleanup() => workload?.Dispose();

    [Benchmark]
    public void Step() => workload!.Run();
}
