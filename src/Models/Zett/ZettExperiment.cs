using System;
using System.Collections.Generic;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// The whole tiny ZeTT setup, built in order: the corpus (<see cref="ZettCorpus"/>: texts, GPT-2's first merges
/// as the original tokenizer, the tokenizer distribution), a base model trained on the original tokenizer and
/// frozen, a hypernetwork trained on the distribution, and a copy of it trained on for dynamic tokenization.
/// </summary>
public sealed class ZettExperiment : IDisposable
{
    private ZettExperiment(ZettCorpus corpus, ZettLanguageModel model, TrainingResult modelTraining, ZettHypernetwork hypernetwork,
        TrainingResult identity, TrainingResult transfer, ZettHypernetwork dynamicHypernetwork, TrainingResult? dynamic)
    {
        Corpus = corpus;
        Original = corpus.Sampler.Original();
        Model = model;
        ModelTraining = modelTraining;
        Hypernetwork = hypernetwork;
        IdentityTraining = identity;
        TransferTraining = transfer;
        DynamicHypernetwork = dynamicHypernetwork;
        DynamicTraining = dynamic;
    }

    /// <summary>Trains everything.</summary>
    /// <param name="settings">Sizes and schedules.</param>
    /// <param name="showProgress">Whether trainers print live progress.</param>
    public static ZettExperiment Run(ZettSettings settings, bool showProgress = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var corpus = ZettCorpus.Create(settings);
        var (model, modelTraining) = BaseModelTraining.Train(settings, corpus.Sampler.Original(), corpus.TrainingText, showProgress);
        var (hypernetwork, identity, transfer) = HypernetworkTraining.Train(settings, model, corpus.Sampler, corpus.TrainingText, showProgress);
        if (settings.DynamicSteps == 0)
        {
            return new ZettExperiment(corpus, model, modelTraining, hypernetwork, identity, transfer, hypernetwork, null);
        }
        var (dynamicHypernetwork, dynamic) = DynamicHypernetworkTraining.Train(settings, model, corpus.Sampler.Original(), hypernetwork, corpus.TrainingText, showProgress);
        return new ZettExperiment(corpus, model, modelTraining, hypernetwork, identity, transfer, dynamicHypernetwork, dynamic);
    }

    /// <summary>Texts and tokenizers.</summary>
    public ZettCorpus Corpus { get; }

    /// <summary>The settings it was built with.</summary>
    public ZettSettings Settings => Corpus.Settings;

    /// <summary>Text the base model and hypernetwork trained on.</summary>
    public string TrainingText => Corpus.TrainingText;

    /// <summary>Text no training step saw.</summary>
    public string EvaluationText => Corpus.EvaluationText;

    /// <summary>The tokenizer distribution.</summary>
    public TokenizerSampler Sampler => Corpus.Sampler;

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

    /// <summary>The hypernetwork dynamic tokenization takes its rows from (<see cref="DynamicHypernetworkTraining"/>);
    /// <see cref="Hypernetwork"/> itself when the settings skip that phase.</summary>
    public ZettHypernetwork DynamicHypernetwork { get; }

    /// <summary>Its training, or null when skipped.</summary>
    public TrainingResult? DynamicTraining { get; }

    /// <summary>Evaluation chunks: consecutive pieces of <see cref="EvaluationText"/>.</summary>
    /// <param name="count">How many.</param>
    public List<string> EvaluationChunks(int count) => Corpus.EvaluationChunks(count);

    /// <summary>Hypernetwork embeddings for every token of <paramref name="vocabulary"/>, with the tokens' priors counted on
    /// <see cref="PriorText"/> when the settings ask for priors.</summary>
    /// <param name="vocabulary">Any tokenizer over the same bytes.</param>
    public VocabularyEmbeddings Predict(BpeVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return HypernetworkPrediction.Predict(Hypernetwork, Model, Original, vocabulary.Tokens) with { Priors = Priors(vocabulary) };
    }

    /// <summary>The priors of <paramref name="vocabulary"/>'s tokens counted on <see cref="PriorText"/> (<see cref="TokenPriors"/>),
    /// or null when the settings ask for none: what <see cref="Predict"/> attaches, for a baseline to get the same.</summary>
    /// <param name="vocabulary">The tokenizer the model is switched to.</param>
    public Tensor? Priors(BpeVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return Settings.TokenPriors ? TokenPriors.Estimate(vocabulary, PriorText, Settings.PriorPseudoCounts) : null;
    }

    /// <summary>The training text a switched-to tokenizer's priors are counted on: its first <c>PriorTextLength</c> characters.</summary>
    public string PriorText => TrainingText[..Math.Min(TrainingText.Length, Settings.PriorTextLength)];

    /// <summary>Bits per byte of the evaluation chunks under <paramref name="vocabulary"/> with <paramref name="embeddings"/>.</summary>
    /// <param name="vocabulary">The tokenizer.</param>
    /// <param name="embeddings">Embeddings for its tokens.</param>
    /// <param name="chunks">Evaluation texts.</param>
    public double BitsPerByte(BpeVocabulary vocabulary, VocabularyEmbeddings embeddings, IEnumerable<string> chunks)
    {
        using var batch = BaseModelTraining.Batch(vocabulary, chunks, Model.Config.Context);
        return LanguageModelScoring.BitsPerByte(Model, embeddings, batch);
    }

    /// <summary>Releases the networks.</summary>
    public void Dispose()
    {
        Model.Dispose();
        Hypernetwork.Dispose();
        if (!ReferenceEquals(DynamicHypernetwork, Hypernetwork))
        {
            DynamicHypernetwork.Dispose();
        }
    }
}
