using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;

namespace Torchwright.Benchmarks;

/// <summary>
/// Each BenchmarkDotNet block's iterations as measured (before its overhead is subtracted and its upper
/// outliers are dropped for the statistics), in milliseconds per call, by run key. A block whose iterations
/// drift apart — as when a slow period of the shared machine begins inside it — can be told from one that is slower
/// throughout (the medium training step of one full run: 183–189 ms for four iterations, then 212–244).
/// </summary>
public static class BlockIterations
{
    /// <summary>Iterations whose slowest is more than this many times the fastest mark their block as unsteady.</summary>
    public const double UnsteadySpread = 1.2;

    public static Dictionary<string, double[]> From(Summary summary) => summary.Reports
        .Where(r => r.ResultStatistics is not null)
        .ToDictionary(
            r => (string)r.BenchmarkCase.Parameters[nameof(ModelBenchmarks.RunKey)],
            r => r.AllMeasurements
                .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Actual)
                .Select(m => m.Nanoseconds / m.Operations / 1e6)
                .ToArray());

    /// <summary>Slowest iteration over fastest; null without iterations.</summary>
    public static double? Spread(IReadOnlyList<double>? iterationsMs) =>
        iterationsMs is { Count: > 0 } ms && ms.Min() > 0 ? ms.Max() / ms.Min() : null;
}
