using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Torchwright.Generator;
using Torchwright.Generator.Analyzers;
using Xunit;

namespace Torchwright.Analyzers.Tests.Harness;

/// <summary>
/// Runs every Torchwright analyzer on markup sources (<c>{|TW3001:x|}</c> marks where a diagnostic must
/// be) with the testing library, the generator included so that the sources compile as a user's would.
/// Before that, it runs the generator alone on the same sources and asserts it neither threw nor
/// reported an internal error.
/// </summary>
internal static class Verify
{
    public const string Usings = "using Torchwright;\nusing static TorchSharp.torch;\n\n";

    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new ContractAnalyzer(), new HyperparameterAnalyzer(), new ShapeAnalyzer(), new CaptureAnalyzer());

    /// <summary>Asserts that exactly the marked diagnostics (and <paramref name="expected"/>) are reported.</summary>
    public static Task Analyzer(string source, params DiagnosticResult[] expected)
        => Analyzer(new[] { source }, expected);

    public static async Task Analyzer(string[] sources, DiagnosticResult[] expected, string? editorConfig = null, bool compilerErrors = true)
    {
        GeneratorDoesNotCrash(sources.Select(StripMarkup).ToArray());
        var test = new AnalyzerTest { CompilerDiagnostics = compilerErrors ? CompilerDiagnostics.Errors : CompilerDiagnostics.None };
        Configure(test.TestState, sources, editorConfig);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    /// <summary>Asserts that <typeparamref name="TFix"/> turns <paramref name="source"/> into <paramref name="fixedSource"/>.</summary>
    public static async Task CodeFix<TFix>(string source, string fixedSource, DiagnosticResult[]? remaining = null, bool compilerErrors = true)
        where TFix : CodeFixProvider, new()
    {
        GeneratorDoesNotCrash(StripMarkup(source));
        var test = new CodeFixTest<TFix> { CompilerDiagnostics = compilerErrors ? CompilerDiagnostics.Errors : CompilerDiagnostics.None };
        Configure(test.TestState, new[] { source }, null);
        test.FixedState.Sources.Add(fixedSource);
        test.FixedState.AdditionalReferences.AddRange(TestReferences.All);
        if (remaining is not null)
        {
            test.FixedState.ExpectedDiagnostics.AddRange(remaining);
        }
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        await test.RunAsync(CancellationToken.None);
    }

    public static DiagnosticResult Diagnostic(string id) => new(id, DiagnosticSeverity.Error);

    private static void Configure(SolutionState state, IEnumerable<string> sources, string? editorConfig)
    {
        foreach (var source in sources)
        {
            state.Sources.Add(source);
        }
        state.ReferenceAssemblies = TestReferences.None;
        state.AdditionalReferences.AddRange(TestReferences.All);
        if (editorConfig is not null)
        {
            state.AnalyzerConfigFiles.Add((editorConfig.StartsWith("is_global", StringComparison.Ordinal) ? "/.globalconfig" : "/.editorconfig", editorConfig + "\n"));
        }
    }

    /// <summary>The generator, alone, on the same sources: no exception, no TW0002.</summary>
    public static void GeneratorDoesNotCrash(params string[] sources)
    {
        var compilation = CSharpCompilation.Create("GeneratorCheck",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(new[] { new ModuleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        var run = driver.RunGenerators(compilation).GetRunResult();
        Assert.All(run.Results, result => Assert.Null(result.Exception));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "TW0002");
    }

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>
    /// Generator then analyzers through the Roslyn API directly (no markup): every TW diagnostic, plus
    /// AD0001 (an analyzer that threw). For assertions on messages and for exploring.
    /// </summary>
    public static ImmutableArray<Diagnostic> Diagnostics(params string[] sources)
    {
        var compilation = CSharpCompilation.Create("Direct",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(StripMarkup(source), ParseOptions, path: $"Source{i}.cs")),
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new[] { new ModuleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
        var diagnostics = generated.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return diagnostics.Where(d => d.Id.StartsWith("TW", StringComparison.Ordinal) || d.Id == "AD0001")
            .OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    /// <summary>Compiler errors of the sources once generated: test sources must be valid C#.</summary>
    public static ImmutableArray<Diagnostic> CompilerErrors(params string[] sources)
    {
        var compilation = CSharpCompilation.Create("Direct",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(StripMarkup(source), ParseOptions, path: $"Source{i}.cs")),
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new[] { new ModuleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
        return generated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }

    public static string StripMarkup(string source)
        => Regex.Replace(Regex.Replace(source, @"\{\|[A-Za-z0-9]+:", ""), @"\|\}|\[\||\|\]", "");

    /// <summary>Every analyzer, the generator run on the sources, in one test.</summary>
    private sealed class AnalyzerTest : CSharpAnalyzerTest<ShapeAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest()
        {
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

        protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(ModuleGenerator) };

        protected override ParseOptions CreateParseOptions() => ParseOptions;

        protected override CompilationOptions CreateCompilationOptions()
            => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
    }

    private sealed class CodeFixTest<TFix> : CSharpCodeFixTest<ShapeAnalyzer, TFix, DefaultVerifier>
        where TFix : CodeFixProvider, new()
    {
        public CodeFixTest()
        {
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

        protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(ModuleGenerator) };

        protected override ParseOptions CreateParseOptions() => ParseOptions;
    }
}
