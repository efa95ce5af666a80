using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Torchwright.FlexTok.Benchmarks;

/// <summary>The BenchmarkDotNet class: one benchmark per workload key, so baselines and candidates are measured alike.</summary>
public class FlexTokBenchmarks
{
    private TokenizerWorkload? workload;

    /// <summary>The runs to measure; the program sets it.</summary>
    public static IReadOnlyList<string> Selected { get; set; } = Program.RunKeys(Program.Cases);

    public IEnumerable<string> Runs => Selected;

    [ParamsSource(nameof(Runs))]
    public string RunKey { get; set; } = "";

    [GlobalSetup]
    public void Setup() => workload = TokenizerWorkload.Create(RunKey);

    [GlobalCleanup]
    public void Cleanup() => workload?.Dispose();

    [Benchmark]
    public void Step() => workload!.Run();
}
