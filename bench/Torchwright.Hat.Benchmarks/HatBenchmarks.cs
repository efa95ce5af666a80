using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Torchwright.Hat.Benchmarks;

/// <summary>The BenchmarkDotNet class: one benchmark per run key; baselines and candidates are runs of the same method.</summary>
public class HatBenchmarks
{
    private BenchSubject? subject;

    public IEnumerable<string> Runs => HatCases.RunKeys;

    [ParamsSource(nameof(Runs))]
    public string Run { get; set; } = "";

    [GlobalSetup]
    public void Setup() => subject = BenchSubject.Create(Run);

    [GlobalCleanup]
    public void Cleanup() => subject?.Dispose();

    [Benchmark]
    public void Step() => subject!.Step();
}
