using System;
using System.Linq;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// ZeTT's training of the hypernetwork against a frozen base model. First an identity warm-up on the original
/// vocabulary (each token its own single piece; loss: mean squared distance of Ê_in and Ê_out to E_in and
/// E_out). Then, each step, a tokenizer drawn from <see cref="TokenizerSampler"/> for the batch tokenizes it, the
/// hypernetwork predicts embeddings for its whole vocabulary, and the loss is the base model's next-token
/// cross-entropy with softmax over that vocabulary plus λ_lex times the same squared distance for the
/// tokens that are single original tokens.
/// </summary>
public static class HypernetworkTraining
{
    /// <summary>Trains a new hypernetwork; both phases.</summary>
    /// <param name="settings">Sizes and schedules.</param>
    /// <param name="model">The frozen base model.</param>
    /// <param name="sampler">The tokenizer distribution (its original tokenizer is the base model's).</param>
    /// <param name="text">Training corpus.</param>
    /// <param name="showProgress">Whether to print live progress.</param>
    public static (ZettHypernetwork Hypernetwork, TrainingResult Identity, TrainingResult Transfer) Train(
        ZettSettings settings, ZettLanguageModel model, TokenizerSampler sampler, string text, bool showProgress = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampler);
        manual_seed(settings.Seed + 1);
        var dim = model.Config.Dim;
        var hypernetwork = new ZettHypernetwork(settings.Hypernetwork with { SourceDim = 2 * dim, TargetDim = dim });
        var original = sampler.Original();
        using var source = HypernetworkPrediction.Source(model);
        HypernetworkScalers.Fit(hypernetwork, source);

        var identity = Trainer.Run(hypernetwork, step => IdentityLoss(hypernetwork, source), Options(settings.IdentityLearningRate, settings, settings.IdentitySteps, "zett-identity", showProgress));
        var transfer = Trainer.Run(hypernetwork, step =>
        {
            var chunks = TextChunks.Sample(text, settings.BatchSize, settings.ChunkLength, step.Random);
            return SampledLoss(hypernetwork, model, original, source, sampler.Sample(chunks, step.Random), step,
                settings.TokenPriors ? settings.PriorPseudoCounts : null, settings.LexicalWeight);
        }, Options(settings.HypernetworkLearningRate, settings, settings.TransferSteps, "zett-transfer", showProgress));
        hypernetwork.eval();
        return (hypernetwork, identity, transfer);
    }

    /// <summary>
    /// One step's loss on a batch tokenized by <paramref name="sampled"/>: every row of its vocabulary predicted, the frozen
    /// model's next-token cross-entropy with softmax over that vocabulary (each token's log prior counted on the batch added
    /// when <paramref name="priorPseudoCounts"/> is set), plus <paramref name="lexicalWeight"/> times
    /// <see cref="SquaredDistance"/> over the tokens that are single original tokens.
    /// </summary>
    internal static Tensor SampledLoss(ZettHypernetwork hypernetwork, ZettLanguageModel model, BpeVocabulary original, Tensor source,
        MergedTokenization sampled, TrainingStep step, double? priorPseudoCounts, double lexicalWeight)
    {
        using var batch = sampled.Batch(model.Config.Context);
        using var pieces = TokenPieces.Decompose(original, sampled.Tokens, hypernetwork.Config.MaxPieces);
        var predicted = VocabularyEmbeddings.FromPredicted(HypernetworkPrediction.Run(hypernetwork, pieces, source));
        if (priorPseudoCounts is { } pseudoCounts)
        {
            predicted = predicted with { Priors = TokenPriors.FromSequences(sampled.Sequences, sampled.Tokens.Count, pseudoCounts) };
        }
        var lmLoss = LanguageModelScoring.Loss(model, predicted, batch);
        var single = Enumerable.Range(0, pieces.Counts.Length).Where(t => pieces.Counts[t] == 1).Select(t => (long)t).ToArray();
        if (lexicalWeight == 0 || single.Length == 0)
        {
            return lmLoss;
        }
        using var rows = tensor(single);
        var originalIds = pieces.Ids.select(1, 0).index_select(0, rows);
        var lexical = SquaredDistance(predicted.Input.index_select(0, rows), predicted.Output.index_select(0, rows), source.index_select(0, originalIds));
        step.Report("lm", lmLoss.item<float>());
        step.Report("lexical", lexical.item<float>());
        return lmLoss + lexicalWeight * lexical;
    }

    /// <summary>
    /// Mean over tokens of the squared L2 distance of the predicted rows to the originals, averaged over the
    /// input and output sides, each side divided by the mean squared norm of its original rows. The reference
    /// uses the plain distance on GPT-2-sized embeddings; dividing by the scale keeps λ_lex = 0.5 meaningful for
    /// a tiny model whose embeddings are much smaller (its rows start at std 0.02), where the plain distance is
    /// too small to hold the identity against the language-model loss.
    /// </summary>
    /// <param name="input">Ê_in rows, <c>[N, d]</c>.</param>
    /// <param name="output">Ê_out rows, <c>[N, d]</c>.</param>
    /// <param name="source">The matching <c>[E_in | E_out]</c> rows, <c>[N, 2d]</c>.</param>
    public static Tensor SquaredDistance(Tensor input, Tensor output, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(source);
        var dim = input.shape[1];
        var originalInput = source.narrow(1, 0, dim);
        var originalOutput = source.narrow(1, dim, dim);
        var inputTerm = (input - originalInput).pow(2).sum(1).mean() / originalInput.pow(2).sum(1).mean();
        var outputTerm = (output - originalOutput).pow(2).sum(1).mean() / originalOutput.pow(2).sum(1).mean();
        return (inputTerm + outputTerm) / 2;
    }

    private static Tensor IdentityLoss(ZettHypernetwork hypernetwork, Tensor source)
    {
        var predicted = VocabularyEmbeddings.FromPredicted(HypernetworkPrediction.OriginalVocabulary(hypernetwork, source));
        return SquaredDistance(predicted.Input, predicted.Output, source);
    }

    internal static TrainingOptions Options(double learningRate, ZettSettings settings, int steps, string name, bool showProgress) => new()
    {
        Steps = steps,
        LearningRate = learningRate,
        WarmupSteps = Math.Max(1, steps / 10),
        WeightDecay = 0.01,
        Beta2 = 0.95,
        GradientClipNorm = 1.0,
        Seed = settings.Seed + steps,
        ShowProgress = showProgress,
        RunName = name,
        OutputDirectory = settings.OutputDirectory,
    };
}
