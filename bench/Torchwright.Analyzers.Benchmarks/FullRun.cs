using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Torchwright.Generator;
using Torchwright.Generator.Analyzers;

namespace Torchwright.Analyzers.Benchmarks;

/// <summary>
/// One full run of Torchwright over a set of sources, as a build does it: parse, generate, then every
/// analyzer over the generated compilation. Shared by the benchmark and the tests.
/// </summary>
internal static class FullRun
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new ContractAnalyzer(), new HyperparameterAnalyzer(), new ShapeAnalyzer(), new CaptureAnalyzer());

    /// <summary>The host's framework assemblies plus TorchSharp, Abstractions and Runtime — what a user's project compiles against.</summary>
    public static ImmutableArray<MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var ours = new[]
        {
            typeof(Torchwright.ModelAttribute).Assembly.Location,
            typeof(TorchSharp.torch).Assembly.Location,
            typeof(Torchwright.Runtime.ForwardPath).Assembly.Location,
        };
        return platform.Where(path => !Path.GetFileName(path).StartsWith("Torchwright.", StringComparison.Ordinal))
            .Concat(ours).Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    /// <summary>Every .cs file under <paramref name="directory"/> (bin and obj left out), with its path.</summary>
    public static ImmutableArray<(string Path, string Text)> Sources(string directory)
        => Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(directory, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllText(path)))
            .ToImmutableArray();

    public sealed record Result(Compilation Generated, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<Diagnostic> AnalyzerDiagnostics);

    /// <summary>Parse, generate and analyze; nothing is cached between calls but the references.</summary>
    public static Result Run(IReadOnlyList<(string Path, string Text)> sources, ImmutableArray<MetadataReference> references)
        => Run(sources, references, Analyzers);

    /// <summary>Parse and generate from scratch: the driver after its run, the generated compilation and the generator's diagnostics.</summary>
    public static (GeneratorDriver Driver, Compilation Generated, ImmutableArray<Diagnostic> Diagnostics) Generate(
        IReadOnlyList<(string Path, string Text)> sources, ImmutableArray<MetadataReference> references)
    {
        var trees = sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, ParseOptions, path: source.Path));
        var compilation = CSharpCompilation.Create("Models", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(new[] { new ModuleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var diagnostics);
        return (driver, generated, diagnostics);
    }

    /// <summary>The same pipeline with other analyzers (the benchmark's baseline).</summary>
    public static Result Run(IReadOnlyList<(string Path, string Text)> sources, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var (_, generated, generatorDiagnostics) = Generate(sources, references);
        var analyzed = generated.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
        var diagnostics = analyzed.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new Result(generated, generatorDiagnostics, diagnostics);
    }

    /// <summary>How much of every [Forward] body of every model and block shape inference follows.</summary>
    public static InferenceCoverage Coverage(Compilation compilation)
    {
        var total = new InferenceCoverage();
        var summaries = new ShapeSummaries(compilation, new ModelCache());
        foreach (var tree in compilation.SyntaxTrees)
        {
            var semanticModel = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (semanticModel.GetDeclaredSymbol(declaration) is not IMethodSymbol { ContainingType: { } type } method
                    || !method.GetAttributes().Any(a => a.AttributeClass?.Name == "ForwardAttribute")
                    || summaries.Models.Get(type, CancellationToken.None) is not { } model
                    || semanticModel.GetOperation(declaration) is not { } body)
                {
                    continue;
                }
                total.Add(ShapeInference.Measure(model, method, body, summaries, CancellationToken.None));
            }
        }
        return total;
    }
}
