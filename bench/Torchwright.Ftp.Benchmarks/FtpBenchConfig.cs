using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Torchwright.Ftp.Benchmarks;

/// <summary>
/// Fixed, small iteration counts (a B=8, T=256 training step takes a good fraction of a second on two cores), run
/// in process so that the native libraries load as they do for the tests, and cases measured in declaration order
/// so that each baseline runs right next to its candidate.
/// </summary>
public static class FtpBenchConfig
{
    public static IConfig Create(FtpBenchOptions options)
    {
        var job = options.Quick
            ? Job.Default.WithId("quick").WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(200))
            : Job.Default.WithId("full").WithWarmupCount(2).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(500));
        job = job.WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance);
        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared))
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
            .WithArtifactsPath(System.IO.Path.Combine(options.ArtifactsDirectory, "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
