using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Torchwright.MrT5.Benchmarks;

/// <summary>The BenchmarkDotNet class: one benchmark per workload (a kind at a deletion rate). Baselines (rate 0) and
/// candidates are runs of the same method, so they are measured alike.</summary>
public class MrT5Benchmarks
{
    private DeletionWorkload? workload;

    /// <summary>The runs to measure; the program sets it.</summary>
    public static IReadOnlyList<string> Selected { get; set; } = Program.RunKeys(Program.Cases);

    public IEnumerable<string> Runs => Selected;

    // Not called "Run": the out-of-process toolchain generates a Run method in a class derived from this one.
    [ParamsSource(nameof(Runs))]
    public string RunKey { get; set; } = "";

    [GlobalSetup]
    public void Setup() => workload = DeletionWorkload.Create(RunKey);

    [GlobalCleanup]
    public void Cleanup() => workload?.Dispose();

    [Benchmark]
    public void Step() => workload!.Run();
}
