using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Trains the base language model briefly on its own tokenizer, then freezes it.</summary>
public static class BaseModelTraining
{
    /// <summary>Builds, trains and freezes the base model.</summary>
    /// <param name="settings">Sizes and schedule.</param>
    /// <param name="original">The original tokenizer; its size sets the model's vocabulary.</param>
    /// <param name="text">Training corpus.</param>
    /// <param name="showProgress">Whether to print live progress.</param>
    public static (ZettLanguageModel Model, TrainingResult Result) Train(ZettSettings settings, BpeVocabulary original, string text, bool showProgress = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(original);
        manual_seed(settings.Seed);
        var model = new ZettLanguageModel(settings.Model with { Vocab = original.Count });
        var options = new TrainingOptions
        {
            Steps = settings.ModelSteps,
            LearningRate = settings.ModelLearningRate,
            WarmupSteps = Math.Max(1, settings.ModelSteps / 10),
            WeightDecay = 0.01,
            Seed = settings.Seed,
            ShowProgress = showProgress,
            RunName = "zett-base",
            OutputDirectory = settings.OutputDirectory,
        };
        var result = Trainer.Run(model, step =>
        {
            var chunks = TextChunks.Sample(text, settings.BatchSize, settings.ChunkLength, step.Random);
            using var batch = Batch(original, chunks, settings.Model.Context);
            return OwnLoss(model, batch);
        }, options);
        model.eval();
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad = false;
        }
        return (model, result);
    }

    /// <summary>Tokenizes chunks with <paramref name="vocabulary"/>, each after begin-of-text, into a batch of T positions.</summary>
    /// <param name="vocabulary">The tokenizer.</param>
    /// <param name="chunks">Texts.</param>
    /// <param name="length">T.</param>
    public static TokenBatch Batch(BpeVocabulary vocabulary, IEnumerable<string> chunks, int length)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var sequences = chunks.Select(c => (IReadOnlyList<int>)vocabulary.Encode(c).Prepend(vocabulary.BosId).ToList()).ToList();
        return TokenBatch.Build(sequences, length, id => vocabulary.Bytes(id).Length, vocabulary.BosId);
    }

    private static Tensor OwnLoss(ZettLanguageModel model, TokenBatch batch)
    {
        var logits = model.forward(batch.Inputs);
        return nn.functional.cross_entropy(logits.view(-1, logits.shape[2]), batch.Targets.flatten(), ignore_index: TokenBatch.Ignore);
    }
}
