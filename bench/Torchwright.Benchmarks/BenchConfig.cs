using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Torchwright.Benchmarks;

/// <summary>
/// The BenchmarkDotNet configuration: fixed, small iteration counts, because a large training step takes tens of
/// seconds on two cores. In quick mode the jitting invocation is the only warm-up.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create(BenchOptions options)
    {
        var job = options.Quick
            ? Job.Default.WithId("quick").WithWarmupCount(0).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(150))
            : Job.Default.WithId("full").WithWarmupCount(2).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(500));
        job = job.WithLaunchCount(1);
        if (!options.OutOfProcess)
        {
            // In-process by default: no extra build per run, and the native libraries load from this build's output.
            // Out-of-process works too (its generated project sits under bin/, so Directory.Build.targets patches
            // its copy of libLibTorchSharp.so), but costs a build of ~40 s, and on a loaded machine its child
            // processes ran the two-thread OpenMP kernels far slower than this process did.
            job = job.WithToolchain(InProcessEmitToolchain.Instance);
        }
        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .WithOrderer(new RunOrderer())
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(48))
            .WithArtifactsPath(System.IO.Path.Combine(options.ArtifactsDirectory, "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
