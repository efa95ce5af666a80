using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using Torchwright.Runtime;

namespace Torchwright.Bench;

/// <summary>
/// The benchmarks measure computation, not the C allocator's page faults: a benchmark program runs itself again
/// with glibc told at start to keep freed memory (<see cref="HostMemory.Tunables"/>), so that every thread —
/// BenchmarkDotNet measures on threads of its own — works under that policy. <c>TORCHWRIGHT_HOST_MEMORY=system</c>
/// measures under glibc's own policy instead.
/// </summary>
public static class RetainedMemoryLaunch
{
    private const string Variable = "GLIBC_TUNABLES";

    /// <summary>The child's exit code after running this program again with the tunables set, or null when this
    /// process should go on itself (not Linux, tunables already set, or <c>TORCHWRIGHT_HOST_MEMORY=system</c>).</summary>
    public static int? RunAgainIfNeeded(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null
            || string.Equals(Environment.GetEnvironmentVariable(HostMemory.Variable), "system", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location); // started as `dotnet program.dll`
        }
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment[Variable] = HostMemory.Tunables;
        start.Environment[HostMemory.Variable] = "retain";
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host} again.");
        child.WaitForExit();
        return child.ExitCode;
    }
}
