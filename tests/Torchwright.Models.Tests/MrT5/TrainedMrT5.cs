using System;
using System.Collections.Generic;
using Torchwright.Models.MrT5;
using Xunit;

namespace Torchwright.Models.Tests.MrT5;

/// <summary>
/// The two trainings the behaviour tests share, each run once on first use: the tiny MrT5 of the reference's
/// diagnostic set-up (architectures.md 2.7) with the controller steering toward <see cref="Target"/>, and the same
/// network and data with the gate switched off. Training is deterministic: weights come from a private generator,
/// batches from per-step seeds, and the tests of this collection run one at a time.
/// </summary>
public sealed class TrainedMrT5
{
    public const double Target = 0.4;

    public static readonly MrT5Config Config = new();

    // Shrunk from 2.7 to fit the time budget: 24 letters instead of 48, and half of the 400 steps before the gate loss
    // starts, so that the decoder already relies on the consonants when the controller begins to push.
    public static readonly VowelRemovalSettings Settings = new(Steps: 400, BatchSize: 32, LearningRate: 3e-3, Length: 24, VowelProbability: 0.3, Seed: 1234);

    public static readonly MrT5TrainingOptions Options = new()
    {
        TargetDeletionRate = Target, ProportionalGain = 0.5, IntegralGain = 1e-3, RegularizerDelay = 200, ScoreCoefficient = 0.5,
    };

    private readonly Lazy<Run> gated = new(() => Train(Config, Options));
    private readonly Lazy<Run> ungated = new(() => Train(Config with { GateEnabled = false }, Options with { TargetDeletionRate = null }));

    public Run Gated => gated.Value;

    public Run Ungated => ungated.Value;

    private static Run Train(MrT5Config config, MrT5TrainingOptions options)
    {
        var threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1); // the tiny model is overhead-bound; a second thread only adds contention
        try
        {
            var model = new MrT5Model(config);
            model.InitializeWeights(Settings.Seed);
            var objective = new MrT5Objective(model, options);
            var time = VowelRemovalExperiment.Train(model, objective, Settings);
            var evaluation = VowelRemovalExperiment.Evaluate(model, Settings, examples: 128, greedy: false);
            return new Run(model, objective.History, evaluation, time);
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    /// <summary>A trained model with its per-step statistics and held-out evaluation.</summary>
    public sealed record Run(MrT5Model Model, IReadOnlyList<MrT5StepStatistics> History, VowelRemovalEvaluation Evaluation, TimeSpan Time);
}

/// <summary>Runs alone, after the parallel tests: training sets torch's thread count, which is process-wide, and
/// kernels chosen by thread count would differ for any test running beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MrT5TrainingCollection : ICollectionFixture<TrainedMrT5>
{
    public const string Name = "MrT5 training";
}
