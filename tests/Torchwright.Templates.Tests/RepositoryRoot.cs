using System;
using System.IO;

namespace Torchwright.Templates.Tests;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds Framework.sln.</summary>
public static class RepositoryRoot
{
    /// <summary>Absolute path of the repository root.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Framework.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No Framework.sln above {AppContext.BaseDirectory}: these tests run from a checkout of the repository.");
    }
}
