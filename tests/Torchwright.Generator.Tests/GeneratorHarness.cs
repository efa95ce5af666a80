using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Torchwright.Generator.Parsing;

namespace Torchwright.Generator.Tests;

/// <summary>Compiles sources in memory against the framework, TorchSharp and Torchwright, and runs the generator.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var ours = new[]
        {
            typeof(ModelAttribute).Assembly.Location,
            typeof(TorchSharp.torch).Assembly.Location,
            typeof(Torchwright.Runtime.ForwardPath).Assembly.Location,
        };
        return platform.Concat(ours).Distinct().Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources)
        => CSharpCompilation.Create(
            "TestModels",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(bool trackSteps = false)
        => CSharpGeneratorDriver.Create(
            new[] { new ModuleGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns the updated compilation and everything it reported.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Run) Generate(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (output, driver.GetRunResult());
    }

    /// <summary>Parses the [Model] or [Block] class named <paramref name="typeName"/> the way the generator does.</summary>
    public static ModelParseResult Parse(string typeName, params string[] sources)
    {
        var compilation = Compile(sources);
        var type = compilation.GetTypeByMetadataName(typeName) ?? throw new InvalidOperationException($"type {typeName} not found");
        var attribute = type.GetAttributes().Single(a => a.AttributeClass!.Name is "ModelAttribute" or "BlockAttribute");
        return ModelParser.Parse(type, attribute, attribute.AttributeClass!.Name == "BlockAttribute", CancellationToken.None);
    }

    public static string ModelSource(string relativePath)
        => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ModelSources", relativePath));

    public static string Errors(Compilation compilation)
        => string.Join("\n", compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
}
