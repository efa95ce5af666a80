using System.Globalization;
using Torchwright.Models.Zett;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Check 2: zero-shot transfer to a tokenizer that no training step sampled.</summary>
[Collection(ZettCollection.Name)]
public class ZettTransferTests(TrainedZett trained, ITestOutputHelper output)
{
    private const string NotReproduced = "Not reproduced at the default tiny budget (600 transfer steps): on the held-out tokenizer bits/byte were 0.505 with the hypernetwork and 0.891 with the mean of pieces against 0.287 with the original (1.76x and 3.10x; the claim is <= 1.15x, and 30% of the gap closed: 64%, met). Embeddings trained directly for the held-out vocabulary through the frozen model reach 0.280, and 3,000 transfer steps still give 1.75x, so the gap is what the hypernetwork learns at this size, neither the base model nor the step budget. See src/Models/Zett/README.md. Remove the Skip to re-run.";

    [Fact(Skip = NotReproduced)]
    public void Held_out_tokenizer_gets_close_to_the_original_bits_per_byte()
    {
        var zett = trained.Experiment;
        var heldOut = zett.Sampler.HeldOut();
        var chunks = zett.EvaluationChunks(64);
        using var original = VocabularyEmbeddings.Original(zett.Model);
        using var predicted = zett.Predict(heldOut);
        using var pieces = TokenPieces.Decompose(zett.Original, heldOut.Tokens, zett.Hypernetwork.Config.MaxPieces);
        using var mean = VocabularyEmbeddings.MeanOfPieces(zett.Model, pieces);
        var bpbOriginal = zett.BitsPerByte(zett.Original, original, chunks);
        var bpbHyper = zett.BitsPerByte(heldOut, predicted, chunks);
        var bpbMean = zett.BitsPerByte(heldOut, mean, chunks);
        var tokensOriginal = zett.Original.Encode(string.Concat(chunks)).Count;
        var tokensHeldOut = heldOut.Encode(string.Concat(chunks)).Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out tokenizer: {heldOut.Count} tokens vs {zett.Original.Count}; tokens on the evaluation text {tokensHeldOut} vs {tokensOriginal}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bits/byte: original {bpbOriginal:F4}, hypernetwork {bpbHyper:F4} ({bpbHyper / bpbOriginal:F3}x), mean of pieces {bpbMean:F4} ({bpbMean / bpbOriginal:F3}x)"));
        var closer = 1 - (bpbHyper - bpbOriginal) / (bpbMean - bpbOriginal);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hypernetwork closes {closer:P1} of the mean-of-pieces gap"));
        Assert.True(bpbHyper <= 1.15 * bpbOriginal, $"hypernetwork bpb {bpbHyper:F4} > 1.15 × original {bpbOriginal:F4}");
        Assert.True(closer >= 0.30, $"hypernetwork closes only {closer:P1} of the gap");
    }
}
