using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Templates.Tests;

/// <summary>What each package carries: the files a consumer needs, and complete metadata.</summary>
[Collection(nameof(PackedTemplates))]
public class PackageContentTests(PackedTemplates packed, ITestOutputHelper output)
{
    [Theory]
    [InlineData("Torchwright", new[]
    {
        "lib/net10.0/Torchwright.Abstractions.dll", "lib/net10.0/Torchwright.Abstractions.xml",
        "lib/net10.0/Torchwright.Runtime.dll", "lib/net10.0/Torchwright.Runtime.xml",
        "analyzers/dotnet/cs/Torchwright.Generator.dll", "analyzers/dotnet/cs/Torchwright.Generator.CodeFixes.dll",
        "buildTransitive/Torchwright.targets", "README.md",
    })]
    [InlineData("Torchwright.Models", new[] { "lib/net10.0/Torchwright.Models.dll", "lib/net10.0/Torchwright.Models.xml", "README.md" })]
    [InlineData("Torchwright.Templates", new[]
    {
        "content/torchwright-model/.template.config/template.json", "content/torchwright-block/.template.config/template.json",
        "content/torchwright-block/MyBlock.cs", "content/torchwright-block/MyBlockParityTests.cs", "README.md",
    })]
    public void Package_carries_its_files_and_complete_metadata(string id, string[] expectedFiles)
    {
        packed.Pack.EnsureSuccess();
        using var package = ZipFile.OpenRead(packed.PackagePath(id));
        var files = package.Entries.Select(e => e.FullName).ToHashSet();
        output.WriteLine($"{id}: {files.Count} entries\n  " + string.Join("\n  ", files.Order()));

        Assert.All(expectedFiles, file => Assert.True(files.Contains(file), $"{id} lacks {file}"));

        var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(packed.Version, Field("version"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")), $"{id} has no description");
        Assert.False(string.IsNullOrWhiteSpace(Field("license")), $"{id} has no license");
        Assert.Equal("README.md", Field("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Field("tags")), $"{id} has no tags");
        Assert.NotNull(metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "repository"));
    }

    [Fact]
    public void Torchwright_depends_on_TorchSharp_and_Models_on_Torchwright_of_the_same_version()
    {
        packed.Pack.EnsureSuccess();

        Assert.Contains(("TorchSharp-cpu", "0.107.0"), Dependencies("Torchwright"));
        Assert.DoesNotContain(Dependencies("Torchwright"), d => d.Id.StartsWith("Torchwright"));
        Assert.Equal(new[] { ("Torchwright", packed.Version) }, Dependencies("Torchwright.Models"));
        Assert.Empty(Dependencies("Torchwright.Templates"));
    }

    [Fact]
    public void The_template_pack_defaults_to_the_packages_packed_with_it()
    {
        packed.Pack.EnsureSuccess();
        using var package = ZipFile.OpenRead(packed.TemplatePackage);
        using var reader = new System.IO.StreamReader(package.GetEntry("content/torchwright-model/.template.config/template.json")!.Open());
        var json = reader.ReadToEnd();

        Assert.Contains($"\"defaultValue\": \"{packed.Version}\"", json);
        Assert.DoesNotContain("TORCHWRIGHT_PACKAGE_VERSION", json);
    }

    private (string Id, string Version)[] Dependencies(string id)
    {
        using var package = ZipFile.OpenRead(packed.PackagePath(id));
        var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open());
        return nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => ((string)e.Attribute("id")!, (string)e.Attribute("version")!)).ToArray();
    }
}
