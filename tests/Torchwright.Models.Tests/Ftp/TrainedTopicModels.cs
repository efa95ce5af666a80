using System;
using System.Diagnostics;
using Torchwright.Models.Ftp;
using Torchwright.Runtime.Data;
using Torchwright.Runtime.Training;

namespace Torchwright.Models.Tests.Ftp;

/// <summary>
/// FTP and both baselines trained on topic data with the tiny settings of the reference notes (§3.6: 300 steps of
/// 16×64), each on first use and once per run, so a test pays only for the models it reads.
/// </summary>
public sealed class TrainedTopicModels : IDisposable
{
    public static readonly FtpConfig Config = new();
    public static readonly TopicTrainingOptions Options = new();

    private readonly Lazy<(FtpModel Model, TrainingResult Training)> ftp = new(() => TopicTraining.Ftp(Config, Options));
    private readonly Lazy<(GptBaseline Model, TrainingResult Training)> gpt = new(() => TopicTraining.Gpt(Config, Options));
    private readonly Lazy<(MultiHeadGptBaseline Model, TrainingResult Training)> multiHead = new(() => TopicTraining.MultiHead(Config, Options));
    private readonly Lazy<TopicMetrics> metrics = new(() => new TopicMetrics(TopicTraining.Data(Options), Options.Length, Config.Future));

    public TopicSequences Data { get; } = TopicTraining.Data(Options);

    public FtpModel Ftp => ftp.Value.Model;

    public GptBaseline Gpt => gpt.Value.Model;

    public MultiHeadGptBaseline MultiHead => multiHead.Value.Model;

    public TopicMetrics Metrics => metrics.Value;

    /// <summary>Final smoothed training losses of the models trained so far.</summary>
    public string TrainingSummary =>
        $"final training loss: FTP {Final(ftp)}, GPT {Final(gpt)}, N-head {Final(multiHead)} (each {Options.Steps} steps of {Options.BatchSize}×{Options.Length}, lr {Options.LearningRate})";

    public void Dispose()
    {
        if (ftp.IsValueCreated) ftp.Value.Model.Dispose();
        if (gpt.IsValueCreated) gpt.Value.Model.Dispose();
        if (multiHead.IsValueCreated) multiHead.Value.Model.Dispose();
        if (metrics.IsValueCreated) metrics.Value.Dispose();
    }

    private static string Final<T>(Lazy<(T, TrainingResult Training)> trained) =>
        trained.IsValueCreated
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{trained.Value.Training.SmoothedFinalLoss:F3} ({trained.Value.Training.WallTime.TotalSeconds:F1}s, torch threads {TorchSharp.torch.get_num_threads()})")
            : "(not trained)";

    /// <summary>Runs <paramref name="action"/> and returns its wall time, for the test output.</summary>
    public static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }
}
