using System;
using System.Collections.Generic;
using System.Linq;
using Spectre.Console;
using TorchSharp.Modules;
using Torchwright.Runtime.Images;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.FlexTok;

/// <summary>Trains a <see cref="FlexTokModel"/> on synthetic rectangles and discs (<see cref="SyntheticShapes"/>).</summary>
public static class FlexTokTraining
{
    /// <summary>Builds the model right after seeding torch with <see cref="FlexTokTrainingOptions.Seed"/> and trains it; it is returned in evaluation mode.</summary>
    /// <param name="config">Sizes; its latent side must equal the image side (pixels are the latent).</param>
    /// <param name="options">Training settings.</param>
    /// <param name="console">Progress output when <see cref="FlexTokTrainingOptions.ShowProgress"/> is set.</param>
    public static (FlexTokModel Model, TrainingResult Training) Train(FlexTokConfig config, FlexTokTrainingOptions options, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (config.LatentSize != options.ImageSize)
            throw new ArgumentException($"Pixels are the latent here, so the latent side {config.LatentSize} must equal the image side {options.ImageSize}.", nameof(options));
        manual_seed(options.Seed);
        var model = new FlexTokModel(config);
        try
        {
            return (model, Continue(model, options, console));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Trains an existing model with <paramref name="options"/>; it is left in evaluation mode.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Training settings.</param>
    /// <param name="console">Progress output.</param>
    public static TrainingResult Continue(FlexTokModel model, FlexTokTrainingOptions options, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var data = new SyntheticShapes(options.ImageSize);
        using var objective = new FlexTokObjective(model.Config, options.Objective);
        var training = new TrainingOptions
        {
            Steps = options.Steps,
            LearningRate = options.LearningRate,
            WarmupSteps = options.WarmupSteps,
            WeightDecay = options.WeightDecay,
            Muon = options.Muon,
            Seed = options.Seed,
            ShowProgress = options.ShowProgress,
            LogEvery = Math.Max(1, options.Steps / 20),
            OutputDirectory = options.OutputDirectory,
            RunName = options.RunName,
        };
        model.train();
        // Without a teacher no gradient reaches the semantic branch: it stays out of the optimisers for this run, so it
        // is neither decayed nor orthogonalised for nothing (two of Muon's matrices).
        var idle = objective.Teacher is null ? SemanticBranch(model).Where(p => p.requires_grad).ToArray() : Array.Empty<Parameter>();
        foreach (var parameter in idle) parameter.requires_grad = false;
        try
        {
            return Run(model, options, data, objective, training, console);
        }
        finally
        {
            foreach (var parameter in idle) parameter.requires_grad = true;
            model.eval();
        }
    }

    private static TrainingResult Run(FlexTokModel model, FlexTokTrainingOptions options, SyntheticShapes data, FlexTokObjective objective, TrainingOptions training, IAnsiConsole? console)
        => Trainer.Run(model, step =>
        {
            using var images = data.Sample(options.BatchSize, step.Random);
            var loss = model.Loss(images, objective, step.Generator);
            step.Report("flow", loss.Flow.item<float>());
            if (loss.Semantic is { } semantic)
            {
                step.Report("semantic", semantic.item<float>());
            }
            return loss.Total;
        }, training, console);

    private static IEnumerable<Parameter> SemanticBranch(FlexTokModel model)
        => model.named_parameters().Where(x => x.name.StartsWith("semantic_", StringComparison.Ordinal)).Select(x => x.parameter);
}
