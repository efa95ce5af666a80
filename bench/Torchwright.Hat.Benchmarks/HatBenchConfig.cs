using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Torchwright.Hat.Benchmarks;

/// <summary>
/// One invocation per iteration (a training step at 1024-byte contexts takes seconds on two cores), a fixed number of
/// iterations, benchmarks in case order so that a baseline and its candidate run back to back.
/// </summary>
public static class HatBenchConfig
{
    public static IConfig Create(HatBenchOptions options)
    {
        var job = Job.Default.WithId(options.Quick ? "quick" : "full")
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(options.Warmups)
            .WithIterationCount(options.Iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1);
        if (!options.OutOfProcess)
        {
            // In-process: the native libraries load exactly as they do for the tests, from this build's output.
            job = job.WithToolchain(InProcessEmitToolchain.Instance);
        }
        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .WithOrderer(new CaseOrderer())
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(32))
            .WithArtifactsPath(System.IO.Path.Combine(options.ArtifactsDirectory, "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
