using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Torchwright.Analyzers.Benchmarks;

/// <summary>
/// Where the time of a full run goes (<c>--profile</c>): the compiler's own binding, the analyzer
/// driver with an analyzer that does nothing, and Torchwright's analyzers, each on a fresh compilation;
/// wall and CPU time, as the machine may be shared.
/// </summary>
internal static class Profile
{


    public static void Run(IReadOnlyList<(string Path, string Text)> sources, ImmutableArray<MetadataReference> references)
    {
        var process = Process.GetCurrentProcess();
        (double Wall, double Cpu) Time(Action action)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            action();
            process.Refresh();
            return (clock.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu).TotalMilliseconds);
        }
        Compilation Fresh() => FullRun.Generate(sources, references).Generated;
        for (var round = 0; round < 5; round++)
        {
            var full = Time(() => FullRun.Run(sources, references));
            var compiler = Time(() => Fresh().GetDiagnostics());
            var nothing = Time(() => Fresh().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new BaselineAnalyzer())).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
            var ours = Time(() => Fresh().WithAnalyzers(FullRun.Analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
            foreach (var analyzer in FullRun.Analyzers)
            {
                var alone = Time(() => Fresh().WithAnalyzers(ImmutableArray.Create(analyzer)).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
                Console.WriteLine($"    parse+generate+{analyzer.GetType().Name} alone: {alone.Wall:F0} ms (cpu {alone.Cpu:F0})");
            }
            Console.WriteLine($"round {round}: full run {full.Wall:F0} ms (cpu {full.Cpu:F0}); parse+generate+compiler diagnostics {compiler.Wall:F0} (cpu {compiler.Cpu:F0}); " +
                $"parse+generate+driver with a no-op analyzer {nothing.Wall:F0} (cpu {nothing.Cpu:F0}); parse+generate+Torchwright analyzers {ours.Wall:F0} (cpu {ours.Cpu:F0})");
        }
    }
}
