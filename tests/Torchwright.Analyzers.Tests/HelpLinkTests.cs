using System;
using System.Diagnostics;
using System.IO;
using Torchwright.Generator.Diagnostics;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>
/// Help links are relative until the project names its public home in <c>RepositoryUrl</c>; then the generator
/// build stamps the absolute folder of the pages, and every descriptor links there.
/// </summary>
public class HelpLinkTests
{
    [Theory]
    [InlineData(null, "docs/diagnostics/")]
    [InlineData("", "docs/diagnostics/")]
    [InlineData("  ", "docs/diagnostics/")]
    [InlineData("https://example.org/tw/blob/main/docs/diagnostics", "https://example.org/tw/blob/main/docs/diagnostics/")]
    [InlineData("https://example.org/tw/blob/main/docs/diagnostics/", "https://example.org/tw/blob/main/docs/diagnostics/")]
    public void A_configured_folder_gets_one_trailing_slash_and_none_means_relative(string? configured, string expected)
        => Assert.Equal(expected, HelpLinks.Resolve(configured));

    [Fact]
    public void Every_descriptor_links_into_the_configured_folder()
    {
        foreach (var descriptor in Descriptors.All)
        {
            Assert.Equal(HelpLinks.Root + descriptor.Id + ".md", descriptor.HelpLinkUri);
        }
    }

    /// <summary>The MSBuild side: a repository URL (with or without a trailing slash) becomes the pages' folder on its branch.</summary>
    [Theory]
    [InlineData("https://example.org/torchwright", "main", "https://example.org/torchwright/blob/main/docs/diagnostics/")]
    [InlineData("https://example.org/torchwright/", "release", "https://example.org/torchwright/blob/release/docs/diagnostics/")]
    public void The_generator_build_derives_the_folder_from_the_repository_url(string url, string branch, string expected)
    {
        var project = Path.Combine(RepositoryRoot(), "src", "Generator", "Torchwright.Generator.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "msbuild", project, "-getProperty:TorchwrightHelpLinkRoot", $"-p:RepositoryUrl={url}", $"-p:RepositoryBranch={branch}" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet msbuild");
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild failed: {output}{errors}");
        Assert.Equal(expected, output.Trim());
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Framework.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Framework.sln above {AppContext.BaseDirectory}.");
    }
}
