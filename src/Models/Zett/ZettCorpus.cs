using System;
using System.Collections.Generic;
using Torchwright.Runtime.Text;

namespace Torchwright.Models.Zett;

/// <summary>
/// What a ZeTT run is built from, before any training: training and evaluation prose (disjoint draws of the
/// same generator) and the tokenizer distribution with its original and held-out tokenizers.
/// </summary>
/// <param name="Settings">The settings it was made for.</param>
/// <param name="TrainingText">Text the base model and the hypernetwork train on.</param>
/// <param name="EvaluationText">Text no training step sees.</param>
/// <param name="Sampler">The tokenizer distribution.</param>
public sealed record ZettCorpus(ZettSettings Settings, string TrainingText, string EvaluationText, TokenizerSampler Sampler)
{
    /// <summary>Generates the texts and reads GPT-2's rank table.</summary>
    /// <param name="settings">Seed, tokenizer size and batch merges.</param>
    public static ZettCorpus Create(ZettSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sampler = new TokenizerSampler(TiktokenRanks.Gpt2(), 256 + settings.OriginalMerges, settings.MaxBatchMerges);
        return new ZettCorpus(settings, SyntheticText.Generate(400_000, settings.Seed), SyntheticText.Generate(100_000, settings.Seed + 1000), sampler);
    }

    /// <summary>Evaluation chunks: consecutive pieces of <see cref="EvaluationText"/>, each <c>ChunkLength</c> characters.</summary>
    /// <param name="count">How many.</param>
    public List<string> EvaluationChunks(int count) => TextChunks.Consecutive(EvaluationText, count, Settings.ChunkLength);
}
