using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Xunit.Abstractions;

namespace Torchwright.Templates.Tests;

/// <summary>What a finished command printed and returned.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Throws with the command's output when it failed, so a failing test shows why.</summary>
    public CommandResult EnsureSuccess()
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"'{Command}' exited with {ExitCode} after {Elapsed.TotalSeconds:F0} s:\n{Tail(Output, 8000)}");
        return this;
    }

    private static string Tail(string text, int length) => text.Length <= length ? text : "…" + text[^length..];
}

/// <summary>
/// Runs the dotnet CLI as a user would in a terminal: in a given folder, with the environment of the test host
/// minus the variables that MSBuild and the test platform set for their own child processes.
/// </summary>
public static class CommandLine
{
    private static readonly string[] HostOnlyPrefixes = { "MSBUILD", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH", "NUGET_PACKAGES" };

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> and waits at most <paramref name="timeout"/>.</summary>
    public static CommandResult Dotnet(string workingDirectory, IEnumerable<string> arguments, TimeSpan timeout, ITestOutputHelper? log = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (HostOnlyPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                start.Environment.Remove(key);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild nodes left running after the test: they would outlive it and hold the machine's cores.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        var command = "dotnet " + string.Join(' ', start.ArgumentList);
        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"'{command}' did not finish within {timeout.TotalMinutes:F0} min:\n{output}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        watch.Stop();
        log?.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  exit {process.ExitCode}  {command}");
        lock (output)
            return new CommandResult(command, process.ExitCode, output.ToString(), watch.Elapsed);
    }
}
