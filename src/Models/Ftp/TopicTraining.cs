using System;
using System.IO;
using Spectre.Console;
using Torchwright.Runtime.Data;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>
/// Trains FTP and its baselines alike on topic sequences: each model is built right after re-seeding torch with
/// <see cref="TopicTrainingOptions.Seed"/> (the encoder is built first, so all start from the same encoder weights),
/// and every model sees the same batches in the same order under the same schedule.
/// </summary>
public static class TopicTraining
{
    /// <summary>The data source: <see cref="TopicTrainingOptions.Sequences"/>, topic distributions seeded by <see cref="TopicTrainingOptions.DataSeed"/>.</summary>
    /// <param name="options">Training settings.</param>
    public static TopicSequences Data(TopicTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TopicSequences(options.Sequences, options.DataSeed);
    }

    /// <summary>Builds and trains FTP; the model is returned in evaluation mode.</summary>
    /// <param name="config">Sizes.</param>
    /// <param name="options">Training settings.</param>
    /// <param name="console">Progress output when <see cref="TopicTrainingOptions.ShowProgress"/> is set.</param>
    public static (FtpModel Model, TrainingResult Training) Ftp(FtpConfig config, TopicTrainingOptions options, IAnsiConsole? console = null)
    {
        var model = Build(config, options, () => new FtpModel(config));
        return (model, Fit(model, "ftp", window => model.Loss(window, options.Length), options, console));
    }

    /// <summary>Builds and trains the GPT baseline; the model is returned in evaluation mode.</summary>
    /// <param name="config">Sizes (the encoder members are used).</param>
    /// <param name="options">Training settings.</param>
    /// <param name="console">Progress output when <see cref="TopicTrainingOptions.ShowProgress"/> is set.</param>
    public static (GptBaseline Model, TrainingResult Training) Gpt(FtpConfig config, TopicTrainingOptions options, IAnsiConsole? console = null)
    {
        var model = Build(config, options, () => new GptBaseline(config));
        return (model, Fit(model, "gpt", window => model.Loss(window, options.Length), options, console));
    }

    /// <summary>Builds and trains the N-head GPT baseline; the model is returned in evaluation mode.</summary>
    /// <param name="config">Sizes (the encoder members, Future and Gamma are used).</param>
    /// <param name="options">Training settings.</param>
    /// <param name="console">Progress output when <see cref="TopicTrainingOptions.ShowProgress"/> is set.</param>
    public static (MultiHeadGptBaseline Model, TrainingResult Training) MultiHead(FtpConfig config, TopicTrainingOptions options, IAnsiConsole? console = null)
    {
        var model = Build(config, options, () => new MultiHeadGptBaseline(config));
        return (model, Fit(model, "gpt-multihead", window => model.Loss(window, options.Length), options, console));
    }

    private static T Build<T>(FtpConfig config, TopicTrainingOptions options, Func<T> build)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        var vocabulary = options.Sequences.Vocabulary;
        if (vocabulary > config.Vocab)
            throw new ArgumentException($"The topic data uses {vocabulary} tokens but the model's vocabulary is {config.Vocab}.", nameof(config));
        if (options.Length > config.Context)
            throw new ArgumentException($"Training windows of {options.Length} positions exceed the model's context of {config.Context}.", nameof(options));
        manual_seed(options.Seed);
        return build();
    }

    private static TrainingResult Fit(nn.Module model, string name, Func<Tensor, Tensor> loss, TopicTrainingOptions options, IAnsiConsole? console)
    {
        var data = Data(options);
        var training = new TrainingOptions
        {
            Steps = options.Steps,
            LearningRate = options.LearningRate,
            WarmupSteps = options.WarmupSteps,
            WeightDecay = options.WeightDecay,
            Seed = options.Seed,
            ShowProgress = options.ShowProgress,
            LogEvery = Math.Max(1, options.Steps / 10),
            TokensPerStep = options.BatchSize * options.Length,
            OutputDirectory = options.OutputDirectory is null ? null : Path.Combine(options.OutputDirectory, name),
            RunName = name,
        };
        try
        {
            // Batches come from the step's own random source, so every model sees the same windows in the same order.
            var result = Trainer.Run(model, step =>
            {
                using var batch = data.Sample(options.BatchSize, options.Length + 1, step.Random);
                return loss(batch.Tokens);
            }, training, console);
            model.eval();
            return result;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
