using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Torchwright.Benchmarks;

/// <summary>
/// Runs (and lists) the benchmarks in case order, so that a baseline and its candidate are measured back to
/// back rather than alphabetically far apart; on a shared machine the load drifts less between them.
/// </summary>
public sealed class RunOrderer : DefaultOrderer
{
    public override IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarkCases, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
        benchmarkCases.OrderBy(Position);

    public override IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarkCases, Summary summary) =>
        benchmarkCases.OrderBy(Position);

    private static int Position(BenchmarkCase benchmark)
    {
        var index = ModelBenchmarks.Selected.ToList().IndexOf((string)benchmark.Parameters[nameof(ModelBenchmarks.RunKey)]);
        return index < 0 ? int.MaxValue : index;
    }
}
