using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Torchwright.Hat.Benchmarks;

/// <summary>Runs and lists the benchmarks in the order of <see cref="HatCases.RunKeys"/>: each baseline right before its candidate.</summary>
public sealed class CaseOrderer : DefaultOrderer
{
    public override IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarkCases, IEnumerable<BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule>? order = null) =>
        benchmarkCases.OrderBy(Position);

    public override IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarkCases, Summary summary) =>
        benchmarkCases.OrderBy(Position);

    private static int Position(BenchmarkCase benchmark)
    {
        var index = HatCases.RunKeys.ToList().IndexOf((string)benchmark.Parameters["Run"]);
        return index < 0 ? int.MaxValue : index;
    }
}
