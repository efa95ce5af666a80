using System;
using System.IO;
using System.Security;

namespace Torchwright.Templates.Tests;

/// <summary>
/// A nuget.config that makes restore see what a new user's machine would: Torchwright packages only from the
/// freshly packed folder (package source mapping), everything else from the public registry, with the machine's
/// package cache as a read-only fallback so the test also works offline. Packages are extracted into a global
/// packages folder of their own, so a stale cache can never stand in for a packaging bug.
/// </summary>
public static class IsolatedNuGetConfig
{
    /// <summary>The machine's package cache: <c>NUGET_PACKAGES</c>, or <c>~/.nuget/packages</c>.</summary>
    public static string MachinePackageCache =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Writes <c>nuget.config</c> into <paramref name="folder"/>; projects below it restore with it.</summary>
    public static void Write(string folder, string localPackages, string globalPackagesFolder)
    {
        static string Xml(string value) => SecurityElement.Escape(value);
        var fallback = MachinePackageCache;
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Xml(globalPackagesFolder)}" />
              </config>
              <packageSources>
                <clear />
                <add key="torchwright-local" value="{Xml(localPackages)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
            {(Directory.Exists(fallback) ? $"    <add key=\"machine-cache\" value=\"{Xml(fallback)}\" />" : "")}
              </fallbackPackageFolders>
              <packageSourceMapping>
                <packageSource key="torchwright-local">
                  <package pattern="Torchwright" />
                  <package pattern="Torchwright.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }
}
