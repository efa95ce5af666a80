using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Reports;
using static TorchSharp.torch;

namespace Torchwright.Bench;

/// <summary>
/// The frame of a benchmark program that compares cases and writes a report: the relaunch under retained host
/// memory, the command line, torch threads and the machine line at the start; the medians of a BenchmarkDotNet
/// summary by run key; and the JSON report in artifacts/bench, whose common fields (run kind, time, machine, load,
/// host memory) come first, followed by the program's own and the one-line summary, which is also printed.
/// </summary>
public sealed class BenchRun
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly Stopwatch watch = Stopwatch.StartNew();

    private BenchRun(BenchOptions options)
    {
        Options = options;
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }
        Machine = $"{Environment.ProcessorCount} logical cores, torch threads {get_num_threads()}, load average {LoadAverage()}";
        Console.WriteLine($"{(options.Quick ? "quick" : "full")} run; {Machine}");
    }

    /// <summary>The command line.</summary>
    public BenchOptions Options { get; }

    /// <summary>Cores, torch threads and load average at the start.</summary>
    public string Machine { get; }

    /// <summary>
    /// Starts a run, or runs this program again under retained host memory (<see cref="RetainedMemoryLaunch"/>) and
    /// returns false with the child's exit code.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="run">The run, when this process measures.</param>
    /// <param name="childExitCode">The child's exit code, when it measured instead.</param>
    public static bool TryStart(string[] args, out BenchRun run, out int childExitCode)
    {
        if (RetainedMemoryLaunch.RunAgainIfNeeded(args) is { } exitCode)
        {
            (run, childExitCode) = (null!, exitCode);
            return false;
        }
        (run, childExitCode) = (new BenchRun(BenchOptions.Parse(args)), 0);
        return true;
    }

    /// <summary>The reports of a summary by the value of the benchmark parameter <paramref name="runKey"/>, measured runs only.</summary>
    /// <param name="summary">What BenchmarkDotNet returned.</param>
    /// <param name="runKey">The name of the parameter that names a run.</param>
    public static Dictionary<string, BenchmarkReport> Reports(Summary summary, string runKey)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.Reports.Where(r => r.ResultStatistics is not null).ToDictionary(r => (string)r.BenchmarkCase.Parameters[runKey]);
    }

    /// <summary>Median milliseconds of every measured run, by run key.</summary>
    /// <param name="summary">What BenchmarkDotNet returned.</param>
    /// <param name="runKey">The name of the parameter that names a run.</param>
    public static Dictionary<string, double> MediansMs(Summary summary, string runKey)
        => Reports(summary, runKey).ToDictionary(p => p.Key, p => p.Value.ResultStatistics!.Median / 1e6);

    /// <summary>Writes <c>artifacts/bench/&lt;name&gt;.json</c> and prints where, then the summary line.</summary>
    /// <param name="name">The report's name.</param>
    /// <param name="details">The program's own fields (cases, sizes, …), serialised after the common ones.</param>
    /// <param name="summaryLine">The one-line summary, also the report's last field.</param>
    public void Write(string name, object details, string summaryLine)
    {
        var report = JsonSerializer.SerializeToNode(new
        {
            Run = Options.Quick ? "quick" : "full",
            Toolchain = "in-process",
            Finished = DateTimeOffset.Now,
            WallSeconds = watch.Elapsed.TotalSeconds,
            Machine,
            Cpu = CpuName(),
            LoadAverageAtEnd = LoadAverage(),
            HostMemory = HostState.Memory,
            HugePages = HostState.HugePageState,
        }, Json)!.AsObject();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(details, Json)!.AsObject().ToList())
        {
            report[key] = value?.DeepClone();
        }
        report["summary"] = summaryLine;
        Directory.CreateDirectory(Options.ArtifactsDirectory);
        var path = Path.Combine(Options.ArtifactsDirectory, name + ".json");
        File.WriteAllText(path, report.ToJsonString(Json) + "\n");
        Console.WriteLine($"wrote {path} after {watch.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine(summaryLine);
    }

    /// <summary>1 when a run has no measurement (and says which), else 2 when a target was missed, else 0.</summary>
    /// <param name="keys">Every run the cases need.</param>
    /// <param name="measured">Whether a run was measured.</param>
    /// <param name="targetMissed">Whether any case missed its target.</param>
    public static int ExitCode(IEnumerable<string> keys, Func<string, bool> measured, bool targetMissed = false)
    {
        var missing = keys.Where(k => !measured(k)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"no measurement for: {string.Join(", ", missing)}");
            return 1;
        }
        return targetMissed ? 2 : 0;
    }

    /// <summary>A number for a table or summary, "-" when there is none.</summary>
    /// <param name="value">The number.</param>
    /// <param name="format">Its format.</param>
    public static string Format(double? value, string format = "F2") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuName()
        => File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
}
