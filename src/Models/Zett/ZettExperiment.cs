using System;
using System.Collections.Generic;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Training;

namespace Torchwright.Models.Zett;

/// <summary>
/// The whole tiny ZeTT setup, built in order: GPT-2's first merges as the original tokenizer, a base model
/// trained on it and frozen, the tokenizer distribution, and a hypernetwork trained on that distribution.
/// Training and evaluation text are disjoint draws of the same prose generator.
/// </summary>
public sealed class ZettExperiment : IDisposable
{
    private ZettExperiment(ZettSettings settings, string trainingText, string evaluationText, TokenizerSampler sampler,
        ZettLanguageModel model, TrainingResult modelTraining, ZettHypernetwork hypernetwork, TrainingResult identity, TrainingResult transfer)
    {
        Settings = settings;
        TrainingText = trainingText;
        EvaluationText = evaluationText;
        Sampler = sampler;
        Original = sampler.Original();
        Model = model;
        ModelTraining = modelTraining;
        Hypernetwork = hypernetwork;
        IdentityTraining = identity;
        TransferTraining = transfer;
    }

    /// <summary>Trains everything.</summary>
    /// <param name="settings">Sizes and schedules.</param>
    /// <param name="showProgress">Whether trainers print live progress.</param>
    public static ZettExperiment Run(ZettSettings settings, bool showProgress = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var trainingText = SyntheticText.Generate(400_000, settings.Seed);
        var evaluationText = SyntheticText.Generate(100_000, settings.Seed + 1000);
        var ranks = TiktokenRanks.Gpt2();
        var originalRanks = 256 + settings.OriginalMerges;
        var sampler = new TokenizerSampler(ranks, originalRanks, 256 + settings.PoolFactor * settings.OriginalMerges);
        var (model, modelTraining) = BaseModelTraining.Train(settings, sampler.Original(), trainingText, showProgress);
        var (hypernetwork, identity, transfer) = HypernetworkTraining.Train(settings, model, sampler, trainingText, showProgress);
        return new ZettExperiment(settings, trainingText, evaluationText, sampler, model, modelTraining, hypernetwork, identity, transfer);
    }

    /// <summary>The settings it was built with.</summary>
    public ZettSettings Settings { get; }

    /// <summary>Text the base model and hypernetwork trained on.</summary>
    public string TrainingText { get; }

    /// <summary>Text no training step saw.</summary>
    public string EvaluationText { get; }

    /// <summary>The tokenizer distribution.</summary>
    public TokenizerSampler Sampler { get; }

    /// <summary>The base model's tokenizer.</summary>
    public BpeVocabulary Original { get; }

    /// <summary>The frozen base model.</summary>
    public ZettLanguageModel Model { get; }

    /// <summary>Its training run.</summary>
    public TrainingResult ModelTraining { get; }

    /// <summary>The trained hypernetwork.</summary>
    public ZettHypernetwork Hypernetwork { get; }

    /// <summary>The identity warm-up.</summary>
    public TrainingResult IdentityTraining { get; }

    /// <summary>The training over sampled tokenizers.</summary>
    public TrainingResult TransferTraining { get; }

    /// <summary>Evaluation chunks: consecutive pieces of <see cref="EvaluationText"/>.</summary>
    /// <param name="count">How many.</param>
    public List<string> EvaluationChunks(int count) => TextChunks.Consecutive(EvaluationText, count, Settings.ChunkLength);

    /// <summary>Hypernetwork embeddings for every token of <paramref name="vocabulary"/>.</summary>
    /// <param name="vocabulary">Any tokenizer over the same bytes.</param>
    public VocabularyEmbeddings Predict(BpeVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return HypernetworkPrediction.Predict(Hypernetwork, Model, Original, vocabulary.Tokens);
    }

    /// <summary>Bits per byte of the evaluation chunks under <paramref name="vocabulary"/> with <paramref name="embeddings"/>.</summary>
    /// <param name="vocabulary">The tokenizer.</param>
    /// <param name="embeddings">Embeddings for its tokens.</param>
    /// <param name="chunks">Evaluation texts.</param>
    public double BitsPerByte(BpeVocabulary vocabulary, VocabularyEmbeddings embeddings, IEnumerable<string> chunks)
    {
        using var batch = BaseModelTraining.Batch(vocabulary, chunks, Model.Config.Context);
        return LanguageModelScoring.BitsPerByte(Model, embeddings, batch);
    }

    /// <summary>Releases both networks.</summary>
    public void Dispose()
    {
        Model.Dispose();
        Hypernetwork.Dispose();
    }
}
