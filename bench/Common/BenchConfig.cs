using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Torchwright.Bench;

/// <summary>Fixed, small iteration counts, in process (the native libraries load as they do for the tests); shared by
/// the MrT5, ZeTT, FlexTok and capture benchmarks. A program may ask for other quick-mode counts and add to the result.</summary>
public static class BenchConfig
{
    public static ManualConfig Create(BenchOptions options, int quickWarmups = 1, int quickIterations = 5, int quickIterationMilliseconds = 200)
    {
        var job = options.Quick
            ? Job.Default.WithId("quick").WithWarmupCount(quickWarmups).WithIterationCount(quickIterations).WithIterationTime(TimeInterval.FromMilliseconds(quickIterationMilliseconds))
            : Job.Default.WithId("full").WithWarmupCount(3).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(500));
        job = job.WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance);
        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
            .WithArtifactsPath(System.IO.Path.Combine(options.ArtifactsDirectory, "BenchmarkDotNet"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
