using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Runtime.Deletion;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>How <see cref="VowelRemovalExperiment"/> trains: data and optimiser settings.</summary>
/// <param name="Steps">Optimisation steps.</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="LearningRate">Peak learning rate (after a short warm-up, then cosine decay).</param>
/// <param name="Length">Letters per input.</param>
/// <param name="VowelProbability">Chance that a letter is a vowel.</param>
/// <param name="Seed">Seed of the data and of the trainer.</param>
/// <param name="WarmupSteps">Linear warm-up steps.</param>
/// <param name="GradientClipNorm">Global gradient-norm clip; null for none.</param>
/// <param name="Beta2">AdamW's second-moment decay.</param>
public sealed record VowelRemovalSettings(int Steps = 400, int BatchSize = 32, double LearningRate = 3e-3, int Length = 24,
    double VowelProbability = 0.3, long Seed = 1234, int WarmupSteps = 20, double? GradientClipNorm = 1.0, double Beta2 = 0.95);

/// <summary>What a trained model does on held-out vowel-removal data.</summary>
/// <param name="SoftCrossEntropy">Decoder cross-entropy with soft deletion.</param>
/// <param name="HardCrossEntropy">Decoder cross-entropy with hard deletion.</param>
/// <param name="DeletionRate">Fraction of real tokens deleted.</param>
/// <param name="InputLength">Mean real tokens per input (letters and eos).</param>
/// <param name="KeptLength">Mean tokens per input after the gate.</param>
/// <param name="CompactedLength">The batch's encoder length after hard deletion (the longest kept row).</param>
/// <param name="VowelShareOfDeleted">Fraction of the deleted tokens that are vowels.</param>
/// <param name="VowelShareOfInput">Fraction of the real tokens that are vowels.</param>
/// <param name="VowelsDeleted">Fraction of the vowels that are deleted.</param>
/// <param name="ExactMatch">Fraction of inputs whose greedy output (hard deletion) is exactly the target.</param>
public sealed record VowelRemovalEvaluation(double SoftCrossEntropy, double HardCrossEntropy, double DeletionRate, double InputLength,
    double KeptLength, long CompactedLength, double VowelShareOfDeleted, double VowelShareOfInput, double VowelsDeleted, double ExactMatch);

/// <summary>Trains and evaluates <see cref="MrT5Model"/> on the vowel-removal diagnostic task.</summary>
public static class VowelRemovalExperiment
{
    /// <summary>
    /// Trains <paramref name="model"/> with <paramref name="objective"/>, calling <paramref name="progress"/> after every
    /// <paramref name="chunk"/> steps with the latest statistics.
    /// </summary>
    /// <param name="model">The model (initialise it first).</param>
    /// <param name="objective">The loss and its controller.</param>
    /// <param name="settings">Data and optimiser settings.</param>
    /// <param name="outputDirectory">Where the trainer writes metrics.jsonl and loss.png; null for nowhere.</param>
    /// <param name="chunk">Steps between progress calls.</param>
    /// <param name="progress">Called with the latest step's statistics.</param>
    public static TimeSpan Train(MrT5Model model, MrT5Objective objective, VowelRemovalSettings settings, string? outputDirectory = null,
        int chunk = 10, Action<MrT5StepStatistics>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(settings);
        var options = new TrainingOptions
        {
            Steps = settings.Steps,
            LearningRate = settings.LearningRate,
            WarmupSteps = Math.Min(settings.Steps, settings.WarmupSteps),
            GradientClipNorm = settings.GradientClipNorm,
            WeightDecay = 0.01,
            Beta2 = settings.Beta2,
            Seed = settings.Seed,
            LogEvery = chunk,
            OutputDirectory = outputDirectory,
            RunName = "mrt5",
            ShowProgress = false,
            TokensPerStep = settings.BatchSize * (settings.Length + 1L),
        };
        var started = DateTime.UtcNow;
        using var trainer = new Trainer(model, options);
        while (trainer.RemainingSteps > 0)
        {
            trainer.Run(step =>
            {
                var batch = Seq2SeqBatch.FromText(VowelRemoval.Sample(step.Random, settings.BatchSize, settings.Length, settings.Length, settings.VowelProbability));
                var loss = objective.Loss(batch, step.Step);
                var last = objective.History[^1];
                step.Report("cross_entropy", last.CrossEntropy);
                step.Report("deletion_rate", last.DeletionRate);
                step.Report("alpha", last.Alpha);
                step.Report("score_excess", last.ScoreExcess);
                return loss;
            }, Math.Min(chunk, trainer.RemainingSteps));
            progress?.Invoke(objective.History[^1]);
        }
        return DateTime.UtcNow - started;
    }

    /// <summary>Evaluates on <paramref name="examples"/> fresh examples drawn from <paramref name="seed"/>.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="settings">The data settings it was trained with.</param>
    /// <param name="examples">Held-out examples.</param>
    /// <param name="seed">Seed of the held-out data (use one the training did not).</param>
    /// <param name="greedy">Also decode greedily and measure exact match (slower).</param>
    public static VowelRemovalEvaluation Evaluate(MrT5Model model, VowelRemovalSettings settings, int examples = 128, int seed = 987_654, bool greedy = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var pairs = VowelRemoval.Sample(new Random(seed), examples, settings.Length, settings.Length, settings.VowelProbability);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var wasTraining = model.training;
        model.eval();
        try
        {
            var batch = Seq2SeqBatch.FromText(pairs);
            var (softLogits, gate) = model.forward(batch.Input, batch.DecoderInput);
            var (hardLogits, _, kept) = model.forward_hard(batch.Input, batch.DecoderInput);
            var real = batch.Input.ne(ByT5Bytes.Pad);
            var deleted = gate.le(model.Config.DeletionThreshold).logical_and(real);
            var vowels = VowelMask(pairs, batch.Input.shape);
            var deletedCount = deleted.sum().item<long>();
            var exact = 0.0;
            if (greedy)
            {
                var outputs = MrT5Generation.Greedy(model, batch.Input, settings.Length + 2);
                exact = outputs.Select(ByT5Bytes.Decode).Zip(pairs, (output, pair) => output == pair.Target).Count(match => match) / (double)examples;
            }
            return new VowelRemovalEvaluation(
                MrT5Objective.CrossEntropy(softLogits, batch.Labels).item<float>(),
                MrT5Objective.CrossEntropy(hardLogits, batch.Labels).item<float>(),
                DeletionStatistics.Rate(gate, real, model.Config.DeletionThreshold),
                real.sum().item<long>() / (double)examples,
                kept.sum().item<long>() / (double)examples,
                kept.shape[1],
                deletedCount == 0 ? 0 : deleted.logical_and(vowels).sum().item<long>() / (double)deletedCount,
                vowels.sum().item<long>() / (double)real.sum().item<long>(),
                deleted.logical_and(vowels).sum().item<long>() / (double)Math.Max(1, vowels.sum().item<long>()),
                exact);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Marks the vowel positions of each source, <c>[B,T]</c> bool (eos and padding are not vowels).</summary>
    /// <param name="pairs">The examples.</param>
    /// <param name="shape">The encoder input's shape.</param>
    public static Tensor VowelMask(IReadOnlyList<(string Source, string Target)> pairs, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(shape);
        var mask = new bool[shape[0] * shape[1]];
        for (var b = 0; b < pairs.Count; b++)
        {
            for (var t = 0; t < pairs[b].Source.Length; t++)
            {
                mask[b * shape[1] + t] = VowelRemoval.IsVowel(pairs[b].Source[t]);
            }
        }
        return tensor(mask, shape);
    }
}
