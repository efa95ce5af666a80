using System;
using System.Globalization;
using System.IO;

namespace Torchwright.Capture.Benchmarks;

/// <summary>Command line: <c>--quick</c> (fewer iterations), <c>--threads N</c> (torch threads; default: torch's own), <c>--out DIR</c>.</summary>
public sealed record BenchOptions(bool Quick, int? Threads, string ArtifactsDirectory)
{
    public static BenchOptions Parse(string[] args)
    {
        var quick = false;
        int? threads = null;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--threads" when i + 1 < args.Length: threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out" when i + 1 < args.Length: output = args[++i]; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' (use --quick, --threads N, --out DIR)");
            }
        }
        return new BenchOptions(quick, threads, output ?? Path.Combine(RepositoryRoot(), "artifacts", "bench"));
    }

    // The folder holding Framework.sln, found upwards from the working directory, then from the binary.
    private static string RepositoryRoot()
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
}
