using System;
using TorchSharp;
using Torchwright.Bench;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>Result of the leak check: resident memory and live tensors before and after many forwards.</summary>
/// <remarks>The resident figures are memory in use (after collecting garbage and trimming glibc's free pages); the raw
/// ones are VmRSS before the trim (see <see cref="Torchwright.Bench.ResidentMemory"/>).</remarks>
public sealed record MemoryReport(
    string Model, string Size, int Warmup, int Iterations, bool Reduced,
    long RssBeforeKb, long RssAfterKb, double RssGrowthPercent,
    long RawRssBeforeKb, long RawRssAfterKb, double RawRssGrowthPercent,
    long TensorCountBefore, long TensorCountAfter, long LiveBefore, long LiveAfter, bool Passed);

/// <summary>Runs the generated model's medium forward many times and checks that nothing accumulates. It runs the
/// eager forward, which creates and frees every intermediate on each call; a session's replays create none.</summary>
public static class MemoryCheck
{
    public const double MaxGrowthPercent = 2.0;

    public static MemoryReport Run(BenchOptions options)
    {
        var size = BenchSize.Medium;
        using var model = BenchModel.Create(new MeasuredRun(Contender.GeneratedFp32Eager, size, BenchMode.Forward));
        for (var i = 0; i < options.MemoryWarmup; i++)
        {
            model.Step();
        }
        var (before, countBefore, liveBefore) = Snapshot();
        for (var i = 0; i < options.MemoryIterations; i++)
        {
            model.Step();
        }
        var (after, countAfter, liveAfter) = Snapshot();
        var (growth, rawGrowth) = after.GrowthSince(before);
        var passed = growth < MaxGrowthPercent && countAfter == countBefore && liveAfter == liveBefore;
        return new MemoryReport(Contender.GeneratedFp32Eager.Id, size.Name, options.MemoryWarmup, options.MemoryIterations, options.Quick,
            before.InUseKb, after.InUseKb, growth, before.RawKb, after.RawKb, rawGrowth, countBefore, countAfter, liveBefore, liveAfter, passed);
    }

    private static (ResidentMemory Resident, long TensorCount, long Live) Snapshot()
        => (ResidentMemory.Measure(), torch.Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
}
