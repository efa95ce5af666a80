using System.Globalization;
using Torchwright.Models.Zett;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Check 2: zero-shot transfer to a tokenizer that no training step sampled.</summary>
[Collection(ZettCollection.Name)]
public class ZettTransferTests(TrainedZett trained, ITestOutputHelper output)
{
    [Fact]
    public void Held_out_tokenizer_gets_close_to_the_original_bits_per_byte()
    {
        var zett = trained.Experiment;
        var heldOut = zett.Sampler.HeldOut();
        var chunks = zett.EvaluationChunks(64);
        using var original = VocabularyEmbeddings.Original(zett.Model);
        using var predicted = zett.Predict(heldOut);
        using var pieces = TokenPieces.Decompose(zett.Original, heldOut.Tokens, zett.Hypernetwork.Config.MaxPieces);
        using var mean = VocabularyEmbeddings.MeanOfPieces(zett.Model, pieces);
        // The baseline gets the same priors as the hypernetwork's rows, so that the comparison is of the rows alone.
        using var meanWithPriors = mean with { Priors = zett.Priors(heldOut) };
        var bpbOriginal = zett.BitsPerByte(zett.Original, original, chunks);
        var bpbHyper = zett.BitsPerByte(heldOut, predicted, chunks);
        var bpbMean = zett.BitsPerByte(heldOut, meanWithPriors, chunks);
        var bpbMeanPlain = zett.BitsPerByte(heldOut, new VocabularyEmbeddings(mean.Input, mean.Output), chunks);
        var tokensOriginal = zett.Original.Encode(string.Concat(chunks)).Count;
        var tokensHeldOut = heldOut.Encode(string.Concat(chunks)).Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out tokenizer: {heldOut.Count} tokens vs {zett.Original.Count}; tokens on the evaluation text {tokensHeldOut} vs {tokensOriginal}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bits/byte: original {bpbOriginal:F4}, hypernetwork with priors {bpbHyper:F4} ({bpbHyper / bpbOriginal:F3}x), mean of pieces with priors {bpbMean:F4} ({bpbMean / bpbOriginal:F3}x), without {bpbMeanPlain:F4} ({bpbMeanPlain / bpbOriginal:F3}x)"));
        var closer = 1 - (bpbHyper - bpbOriginal) / (bpbMean - bpbOriginal);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hypernetwork closes {closer:P1} of the mean-of-pieces gap"));
        Assert.True(bpbHyper <= 1.15 * bpbOriginal, $"hypernetwork bpb {bpbHyper:F4} > 1.15 × original {bpbOriginal:F4}");
        Assert.True(closer >= 0.30, $"hypernetwork closes only {closer:P1} of the gap");
    }

    /// <summary>
    /// ZeTT's claim that continued training closes what zero-shot transfer leaves: the held-out tokenizer's rows,
    /// started from the hypernetwork's and fitted 200 steps on training text through the frozen model, score the
    /// evaluation text at most as many bits per byte as the original tokenizer with the model's own rows.
    /// </summary>
    [Fact]
    public void Continued_training_closes_the_held_out_gap()
    {
        var zett = trained.Experiment;
        var heldOut = zett.Sampler.HeldOut();
        var chunks = zett.EvaluationChunks(64);
        var cache = new EmbeddingCache(zett.Hypernetwork, zett.Model, zett.Original);
        var (fitted, training) = FittedTokenRows.Fit(zett.Model, heldOut, cache, zett.TrainingText, new RowFittingOptions { Steps = 200, Merges = 0 });
        using (fitted)
        using (var original = VocabularyEmbeddings.Original(zett.Model))
        using (var predicted = zett.Predict(heldOut))
        using (var rows = fitted.Embeddings(heldOut))
        {
            var bpbOriginal = zett.BitsPerByte(zett.Original, original, chunks);
            var bpbHyper = zett.BitsPerByte(heldOut, predicted, chunks);
            var bpbFitted = zett.BitsPerByte(heldOut, rows, chunks);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"held-out tokenizer, bits/byte vs the original's {bpbOriginal:F4}: hypernetwork {bpbHyper / bpbOriginal:F3}x, after 200 steps of continued training ({training.WallTime.TotalSeconds:F1}s) {bpbFitted / bpbOriginal:F3}x"));
            Assert.True(bpbFitted <= bpbOriginal, $"continued training left {bpbFitted / bpbOriginal:F3}x of the original's bits per byte");
        }
    }
}
