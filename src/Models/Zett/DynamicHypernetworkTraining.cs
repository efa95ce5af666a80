using System;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// A hypernetwork for dynamic tokenization: a copy of the one trained over sampled tokenizers, trained on further
/// with the tokenizations dynamic tokenization makes — each batch tokenized by the original tokenizer, then its m most
/// frequent valid pairs merged (<see cref="DynamicMerges"/>, no noise; m uniform in
/// [<see cref="ZettSettings.DynamicMinMerges"/>, <see cref="ZettSettings.DynamicMaxMerges"/>]) — and the
/// language-model loss alone.
/// </summary>
/// <remarks>
/// Under merges the rows of the original tokens that remain must change too (a token that a merge usually absorbs
/// becomes rarer as a whole token), which the transfer objective never asks for: it samples tokenizers of every
/// coarseness, scores them with priors counted on the batch, and its lexical loss holds every single-original-token
/// row at the original embedding. Dynamic tokenization scores without priors, so this phase trains without them, and
/// without the lexical loss. Measured on the default run at m = 40 (21 % fewer tokens), 1,000 steps of m in [20, 80]:
/// bits per byte 1.048x the original's with the lexical loss off, 1.088x with it at 0.5, against 1.348x for the
/// transfer hypernetwork; the defaults (2,000 steps, peak rate 1.5e-3) 1.045x (see README.md).
/// </remarks>
public static class DynamicHypernetworkTraining
{
    /// <summary>Trains a copy of <paramref name="trained"/> for dynamic tokenization; <paramref name="trained"/> is unchanged.</summary>
    /// <param name="settings">Schedule (<see cref="ZettSettings.DynamicSteps"/> and the settings next to it).</param>
    /// <param name="model">The frozen base model.</param>
    /// <param name="original">Its tokenizer.</param>
    /// <param name="trained">The hypernetwork trained over sampled tokenizers.</param>
    /// <param name="text">Training corpus.</param>
    /// <param name="showProgress">Whether to print live progress.</param>
    public static (ZettHypernetwork Hypernetwork, TrainingResult Training) Train(ZettSettings settings, ZettLanguageModel model, BpeVocabulary original,
        ZettHypernetwork trained, string text, bool showProgress = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(trained);
        if (settings.DynamicMinMerges < 0 || settings.DynamicMaxMerges < settings.DynamicMinMerges)
        {
            throw new ArgumentOutOfRangeException(nameof(settings),
                $"need 0 <= DynamicMinMerges ({settings.DynamicMinMerges}) <= DynamicMaxMerges ({settings.DynamicMaxMerges})");
        }
        var hypernetwork = Copy(trained);
        using var source = HypernetworkPrediction.Source(model);
        var options = HypernetworkTraining.Options(settings.DynamicLearningRate, settings, settings.DynamicSteps, "zett-dynamic", showProgress);
        var training = Trainer.Run(hypernetwork, step =>
        {
            var chunks = TextChunks.Sample(text, settings.BatchSize, settings.ChunkLength, step.Random);
            var merger = new DynamicMerges(original, chunks);
            merger.Apply(settings.DynamicMinMerges + step.Random.Next(settings.DynamicMaxMerges - settings.DynamicMinMerges + 1));
            var sampled = MergedTokenization.From(original, merger);
            return HypernetworkTraining.SampledLoss(hypernetwork, model, original, source, sampled, step, priorPseudoCounts: null, lexicalWeight: 0);
        }, options with { Seed = options.Seed + 1 }); // not the transfer phase's batches when the two run as many steps
        hypernetwork.eval();
        return (hypernetwork, training);
    }

    private static ZettHypernetwork Copy(ZettHypernetwork trained)
    {
        var copy = new ZettHypernetwork(trained.Config);
        using (no_grad())
        {
            copy.load_state_dict(trained.state_dict());
        }
        HypernetworkScalers.Freeze(copy);
        return copy;
    }
}
