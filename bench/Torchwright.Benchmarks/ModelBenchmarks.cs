using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Torchwright.Benchmarks;

/// <summary>
/// The BenchmarkDotNet class: one benchmark per <see cref="MeasuredRun"/> (a contender at a size and mode).
/// Baselines and candidates are separate runs of the same method, so they are measured alike.
/// </summary>
public class ModelBenchmarks
{
    private BenchModel? model;

    /// <summary>The runs to measure; the program narrows it to what the selected cases need.</summary>
    public static IReadOnlyList<string> Selected { get; set; } = Program.RunKeys(CaseTable.All());

    public IEnumerable<string> Runs => Selected;

    // Not called "Run": the out-of-process toolchain generates a Run method in a class derived from this one.
    [ParamsSource(nameof(Runs))]
    public string RunKey { get; set; } = "";

    /// <summary>Invocations each model runs before BenchmarkDotNet's own warm-up (<see cref="BenchModel.Settle"/>).</summary>
    public static int SettleSteps { get; set; } = 60;

    /// <summary>Time each model spends on them at most.</summary>
    public static TimeSpan SettleBudget { get; set; } = TimeSpan.FromSeconds(20);

    [GlobalSetup]
    public void Setup()
    {
        model = BenchModel.Create(MeasuredRun.Parse(RunKey));
        model.Settle(SettleSteps, SettleBudget);
    }

    /// <summary>Each measured run's <see cref="BenchModel.ReplayThreads"/> at the end of its block, for the report.</summary>
    public static ConcurrentDictionary<string, string> ReplayThreadsByRun { get; } = new();

    [GlobalCleanup]
    public void Cleanup()
    {
        if (model?.ReplayThreads is { } threads)
        {
            ReplayThreadsByRun[RunKey] = threads;
        }
        model?.Dispose();
    }

    [Benchmark]
    public void Step() => model!.Step();
}
