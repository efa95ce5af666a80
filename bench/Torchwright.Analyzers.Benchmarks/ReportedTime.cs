using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Torchwright.Analyzers.Benchmarks;

/// <summary>
/// The time a build attributes to Torchwright, as <c>dotnet build -p:ReportAnalyzer=true</c> reports it: the
/// generator's own time from the driver and each analyzer's execution time from the analyzer driver, on a
/// compilation whose bodies the compiler has already bound (a build binds them anyway to emit).
/// </summary>
internal static class ReportedTime
{
    public sealed record Round(double GeneratorMs, IReadOnlyDictionary<string, double> AnalyzerMs, double AnalysisWallMs)
    {
        public double TotalMs => GeneratorMs + AnalyzerMs.Values.Sum();
    }

    public static IReadOnlyList<Round> Measure(IReadOnlyList<(string Path, string Text)> sources, ImmutableArray<MetadataReference> references, int rounds)
    {
        var results = new List<Round>();
        for (var i = 0; i < rounds; i++)
        {
            var (driver, generated, _) = FullRun.Generate(sources, references);
            var generatorMs = driver.GetTimingInfo().ElapsedTime.TotalMilliseconds;
            generated.GetDiagnostics(); // the compiler's binding, which a build does whatever the analyzers

            var analyzed = generated.WithAnalyzers(FullRun.Analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
            var clock = Stopwatch.StartNew();
            analyzed.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
            var wall = clock.Elapsed.TotalMilliseconds;
            var perAnalyzer = FullRun.Analyzers.ToDictionary(
                analyzer => analyzer.GetType().Name,
                analyzer => analyzed.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);
            results.Add(new Round(generatorMs, perAnalyzer, wall));
        }
        return results;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN
            : Math.Round(sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2, 2);
    }
}
