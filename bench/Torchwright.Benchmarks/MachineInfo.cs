using System;
using System.IO;
using System.Linq;
using Torchwright.Bench;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
public sealed record MachineInfo(string CpuModel, bool Avx512Bf16, bool Amx, int LogicalCores, int TorchThreads, string TorchSharpVersion, string LoadAverage,
    string HostMemory, string HugePages)
{
    public static MachineInfo Read()
    {
        // Before any tensor: libtorch reads its huge-page switch at its first allocation.
        var hugePages = HostState.HugePageState;
        var cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : Array.Empty<string>();
        var model = cpuinfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var flags = cpuinfo.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1].Split(' ') ?? Array.Empty<string>();
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        return new MachineInfo(model, flags.Contains("avx512_bf16"), flags.Contains("amx_bf16"), Environment.ProcessorCount, get_num_threads(), version, LoadAverageNow(),
            HostState.Memory, hugePages);
    }

    /// <summary>The 1/5/15-minute load averages: other work on the machine skews the timings.</summary>
    public static string LoadAverageNow() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public override string ToString() =>
        $"CPU: {CpuModel}, {LogicalCores} logical cores, avx512_bf16: {(Avx512Bf16 ? "yes" : "no")}, amx_bf16: {(Amx ? "yes" : "no")}; " +
        $"torch threads: {TorchThreads}; TorchSharp {TorchSharpVersion}; load average {LoadAverage}; host memory {HostMemory}; huge pages {HugePages}";
}
