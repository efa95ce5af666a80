using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Torchwright.Capture.Benchmarks;

/// <summary>The BenchmarkDotNet class: one benchmark per (size, mode). Eager and replay are runs of the same method,
/// so they are measured alike.</summary>
public class CaptureBenchmarks
{
    private CaptureWorkload? workload;

    /// <summary>The runs to measure, as <c>size|mode</c>; the program sets it.</summary>
    public static IReadOnlyList<string> Selected { get; set; } = Program.RunKeys();

    public IEnumerable<string> Runs => Selected;

    [ParamsSource(nameof(Runs))]
    public string RunKey { get; set; } = "";

    [GlobalSetup]
    public void Setup() => workload = Program.CreateWorkload(RunKey);

    [GlobalCleanup]
    public void Cleanup() => workload?.Dispose();

    [Benchmark]
    public void Step() => workload!.Run();
}
