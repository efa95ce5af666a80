using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Torchwright.Analyzers.Tests.Harness;

/// <summary>
/// The references every test compilation uses: the test host's own framework assemblies
/// (TRUSTED_PLATFORM_ASSEMBLIES), TorchSharp, Torchwright.Abstractions and Torchwright.Runtime — all
/// files already on disk. The testing library's reference-assembly set is empty (a target framework
/// without a package), so it never resolves or downloads anything.
/// </summary>
internal static class TestReferences
{
    public static readonly ReferenceAssemblies None = new("net10.0");

    private static readonly Lazy<ImmutableArray<MetadataReference>> all = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var ours = new[]
        {
            typeof(Torchwright.ModelAttribute).Assembly.Location,
            typeof(TorchSharp.torch).Assembly.Location,
            typeof(Torchwright.Runtime.ForwardPath).Assembly.Location,
        };
        // The test host also loads the generator, the code fixes and this test assembly; a user's project
        // references none of them (their namespaces would even shadow names such as torch.Generator).
        return platform.Where(path => !Path.GetFileName(path).StartsWith("Torchwright.", StringComparison.Ordinal))
            .Concat(ours).Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> All => all.Value;

    public static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "ModelSources");

    /// <summary>Every seed model source under src/Models, as text, with its relative path.</summary>
    public static ImmutableArray<(string Path, string Source)> SeedModels()
        => Directory.EnumerateFiles(ModelsDirectory, "*.cs", SearchOption.AllDirectories)
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(ModelsDirectory, path), File.ReadAllText(path)))
            .ToImmutableArray();

    public static string TestModel(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestModelSources", name));
}
