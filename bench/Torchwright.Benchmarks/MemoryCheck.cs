using System;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>Result of the leak check: resident memory and live tensors before and after many forwards.</summary>
public sealed record MemoryReport(
    string Model, string Size, int Warmup, int Iterations, bool Reduced,
    long RssBeforeKb, long RssAfterKb, double RssGrowthPercent,
    long TensorCountBefore, long TensorCountAfter, long LiveBefore, long LiveAfter, bool Passed);

/// <summary>Runs the generated model's medium forward many times and checks that nothing accumulates.</summary>
public static class MemoryCheck
{
    public const double MaxGrowthPercent = 2.0;

    public static MemoryReport Run(BenchOptions options)
    {
        var size = BenchSize.Medium;
        using var model = BenchModel.Create(new BenchRun(Contender.GeneratedFp32, size, BenchMode.Forward));
        for (var i = 0; i < options.MemoryWarmup; i++)
        {
            model.Step();
        }
        var (rssBefore, countBefore, liveBefore) = Snapshot();
        for (var i = 0; i < options.MemoryIterations; i++)
        {
            model.Step();
        }
        var (rssAfter, countAfter, liveAfter) = Snapshot();
        var growth = 100.0 * (rssAfter - rssBefore) / rssBefore;
        var passed = growth < MaxGrowthPercent && countAfter == countBefore && liveAfter == liveBefore;
        return new MemoryReport(Contender.GeneratedFp32.Id, size.Name, options.MemoryWarmup, options.MemoryIterations, options.Quick,
            rssBefore, rssAfter, growth, countBefore, countAfter, liveBefore, liveAfter, passed);
    }

    // Managed garbage is collected first so that only native growth (tensors, allocator caches) shows.
    private static (long RssKb, long TensorCount, long Live) Snapshot()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return (ResidentKb(), torch.Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static long ResidentKb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
