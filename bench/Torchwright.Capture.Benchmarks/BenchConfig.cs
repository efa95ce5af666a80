using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

using Torchwright.Bench;

namespace Torchwright.Capture.Benchmarks;

/// <summary>Fixed, small iteration counts, in process (the native libraries load as they do for the tests), with
/// BenchmarkDotNet's managed-allocation count per call.</summary>
public static class BenchConfig
{
    public static IConfig Create(BenchOptions options)
    {
        var job = options.Quick
            ? Job.Default.WithId("quick").WithWarmupCount(2).WithIterationCount(7).WithIterationTime(TimeInterval.FromMilliseconds(250))
            : Job.Default.WithId("full").WithWarmupCount(3).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(500));
        job = job.WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance);
        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
            .WithArtifactsPath(System.IO.Path.Combine(options.ArtifactsDirectory, "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
