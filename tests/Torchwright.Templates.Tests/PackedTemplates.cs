using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Torchwright.Templates.Tests;

/// <summary>
/// Packs the repository once per test run with a version no cache can hold (<c>0.1.0-test.&lt;timestamp&gt;</c>)
/// into a temporary folder, and installs the template pack into an isolated template hive. Everything lives
/// under one temporary folder that is deleted at the end (set TORCHWRIGHT_KEEP_TEMPLATE_TESTS=1 to keep it).
/// </summary>
public sealed class PackedTemplates : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);
    private readonly IMessageSink diagnostics;

    public PackedTemplates(IMessageSink diagnostics)
    {
        this.diagnostics = diagnostics;
        Root = Directory.CreateTempSubdirectory("torchwright-templates-").FullName;
        Packages = Path.Combine(Root, "packages");
        Hive = Path.Combine(Root, "hive");
        Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

        // PackageVersion, not Version: the assemblies stay as the solution build left them, so this pack is incremental.
        Pack = CommandLine.Dotnet(RepositoryRoot.Path, new[]
        {
            "pack", "src/Packaging/Packages.slnx", "-c", "Release", "--nologo",
            $"-p:PackageVersion={Version}", $"-p:PackageOutputPath={Packages}/",
            "-p:ShouldUnsetParentConfigurationAndPlatform=false",
        }, PackTimeout);
        Log($"pack: {Pack.Elapsed.TotalSeconds:F0} s, exit {Pack.ExitCode}");
        if (Pack.ExitCode == 0)
        {
            Install = CommandLine.Dotnet(Root, new[] { "new", "install", TemplatePackage, "--debug:custom-hive", Hive }, TimeSpan.FromMinutes(2));
            Log($"template install: {Install.Elapsed.TotalSeconds:F0} s, exit {Install.ExitCode}");
        }
    }

    /// <summary>The temporary folder everything goes under.</summary>
    public string Root { get; }

    /// <summary>Where the packages were packed.</summary>
    public string Packages { get; }

    /// <summary>The isolated template hive.</summary>
    public string Hive { get; }

    /// <summary>The unique version of this run's packages.</summary>
    public string Version { get; }

    /// <summary>The pack command's result.</summary>
    public CommandResult Pack { get; }

    /// <summary>The template install's result; null when packing failed.</summary>
    public CommandResult? Install { get; }

    /// <summary>Path of a packed package.</summary>
    public string PackagePath(string id) => Path.Combine(Packages, $"{id}.{Version}.nupkg");

    /// <summary>Path of the packed template pack.</summary>
    public string TemplatePackage => PackagePath("Torchwright.Templates");

    /// <summary>Fails the calling test with the pack or install output when either failed.</summary>
    public void EnsureReady()
    {
        Pack.EnsureSuccess();
        Assert.NotNull(Install);
        Install!.EnsureSuccess();
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("TORCHWRIGHT_KEEP_TEMPLATE_TESTS") == "1")
        {
            Log($"kept {Root}");
            return;
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException ex)
        {
            Log($"could not delete {Root}: {ex.Message}");
        }
    }

    private void Log(string message) => diagnostics.OnMessage(new DiagnosticMessage("Torchwright.Templates.Tests: " + message));
}

/// <summary>One pack and one hive for every test of the collection.</summary>
[CollectionDefinition(nameof(PackedTemplates))]
public sealed class PackedTemplatesCollection : ICollectionFixture<PackedTemplates>
{
}
