using System;
using System.IO;

namespace Torchwright.Bench;

/// <summary>Where benchmark programs write: the repository's artifacts/bench, wherever the program is started from.</summary>
public static class BenchPaths
{
    /// <summary>The folder holding Framework.sln, found upwards from the working directory, then from the binary.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>artifacts/bench under the repository root.</summary>
    public static string Artifacts() => Path.Combine(RepositoryRoot(), "artifacts", "bench");
}
