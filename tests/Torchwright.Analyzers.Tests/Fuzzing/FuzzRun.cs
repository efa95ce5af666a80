using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Torchwright.Analyzers.Tests.Harness;
using Torchwright.Generator;

namespace Torchwright.Analyzers.Tests.Fuzzing;

/// <summary>
/// Runs the generator and every analyzer on one set of sources, as a build would, and judges the outcome:
/// nothing may escape as an exception (a generator exception is what the compiler reports as CS8785, an
/// analyzer exception as AD0001), and whenever Torchwright's part of the build fails — generated code that does
/// not compile, or a layer method left without an implementation — while the user's own code is fine, a TW
/// diagnostic must say why.
/// </summary>
internal static class FuzzRun
{
    // The compiler's complaint when a partial method with accessibility has no implementation: the generator's job.
    private const string MissingImplementation = "CS8795";

    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public sealed record Outcome(IReadOnlyList<string> Escaped, bool Owed, bool HasTorchwrightDiagnostic, bool Hung)
    {
        public bool Passed(bool breaksContract) => !Hung && Escaped.Count == 0 && (!(Owed || breaksContract) || HasTorchwrightDiagnostic);
    }

    public static Outcome Run(IReadOnlyList<(string Path, string Text)> files, ImmutableArray<MetadataReference> references)
    {
        var task = Task.Run(() => RunCore(files, references));
        return task.Wait(Limit) ? task.Result : new Outcome(Array.Empty<string>(), false, false, Hung: true);
    }

    private static Outcome RunCore(IReadOnlyList<(string Path, string Text)> files, ImmutableArray<MetadataReference> references)
    {
        var escaped = new List<string>();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, Verify.ParseOptions, path: f.Path)).ToArray();
        var compilation = CSharpCompilation.Create("Fuzz", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var driver = CSharpGeneratorDriver.Create(new[] { new ModuleGenerator().AsSourceGenerator() }, parseOptions: Verify.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics);
        foreach (var result in driver.GetRunResult().Results.Where(r => r.Exception is not null))
            escaped.Add("generator threw " + result.Exception!.GetType().Name + ": " + result.Exception.Message);
        escaped.AddRange(generatorDiagnostics.Where(d => d.Id is "CS8785" or "TW0002").Select(d => d.ToString()));

        var analyzed = generated.WithAnalyzers(FullRunAnalyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => { lock (escaped) escaped.Add($"{analyzer.GetType().Name} threw {exception.GetType().Name}: {exception.Message}"); },
            concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var analyzerDiagnostics = analyzed.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        escaped.AddRange(analyzerDiagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));

        var userTrees = trees.ToHashSet();
        var errors = generated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        bool userCodeBroken = errors.Any(d => d.Location.SourceTree is { } tree && userTrees.Contains(tree) && d.Id != MissingImplementation);
        bool ourPartFailed = errors.Any(d => d.Id == MissingImplementation || (d.Location.SourceTree is { } tree && !userTrees.Contains(tree)));
        bool torchwright = generatorDiagnostics.Concat(analyzerDiagnostics).Any(d => d.Id.StartsWith("TW", StringComparison.Ordinal));
        return new Outcome(escaped, Owed: ourPartFailed && !userCodeBroken, torchwright, Hung: false);
    }

    private static readonly ImmutableArray<DiagnosticAnalyzer> FullRunAnalyzers = Verify.Analyzers;
}
