using System;
using System.Linq;
using System.Text;
using Torchwright.Models.Gpt;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>
/// A tiny HAT trained on the Zipf-lexicon corpus, on first use, shared by the HAT collection; the models it is compared
/// with are trained by the tests alike (same windows of bytes, steps, batch and optimiser settings, <see cref="Options"/>).
/// </summary>
public sealed class HatTrainedModels : IDisposable
{
    public const int Window = 96;
    public const int Batch = 8;
    public const int Steps = 200;
    public const double LearningRate = 5e-3;

    private readonly Lazy<Trained> trained = new(Train);

    public Trained Models => trained.Value;

    public static TrainingOptions Options => new()
    {
        Steps = Steps, LearningRate = LearningRate, WarmupSteps = Steps / 20, WeightDecay = 0, Seed = 5, ShowProgress = false,
    };

    public void Dispose()
    {
        if (trained.IsValueCreated)
        {
            trained.Value.Hat.Dispose();
        }
    }

    private static Trained Train()
    {
        using var threads = HatTestModels.OneThread();
        var text = ZipfCorpus.Generate(200_000);
        var split = text.Length * 9 / 10;
        var train = Encoding.UTF8.GetBytes(text[..split]);

        var hat = HatTestModels.Create(HatTestModels.Tiny, seed: 3);
        var hatBatches = new HatBatches(train, Window, hat.Config.MaxWordBytes);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Trainer.Run(hat, step =>
        {
            var (inputs, targets) = hatBatches.Sample(Batch, step.Random);
            using (inputs)
            {
                return nn.functional.cross_entropy(inputs.LogitsOf(hat).view(-1, 256), targets.view(-1));
            }
        }, Options);
        var hatSeconds = clock.Elapsed.TotalSeconds;
        hat.eval();
        return new Trained(hat, train, text[split..], ZipfCorpus.UnigramEntropy(train), hatSeconds);
    }

    /// <summary>Bits per byte of <paramref name="hat"/> on non-overlapping windows of <paramref name="text"/> (each window predicts its next byte too).</summary>
    public static double HatBitsPerByte(HatModel hat, byte[] text)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var batches = new HatBatches(text, Window, hat.Config.MaxWordBytes);
        var offsets = Enumerable.Range(0, (text.Length - 1) / Window).Select(i => i * Window).ToArray();
        var (inputs, targets) = batches.At(offsets);
        using (inputs)
        {
            return nn.functional.cross_entropy(inputs.LogitsOf(hat).view(-1, 256), targets.view(-1)).item<float>() / Math.Log(2);
        }
    }

    /// <summary>Bits per byte of the byte-level GPT, measured like <see cref="HatBitsPerByte"/>.</summary>
    public static double GptBitsPerByte(ByteGpt gpt, byte[] text)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int rows = (text.Length - 1) / Window;
        var inputs = new long[rows * Window];
        var targets = new long[rows * Window];
        for (int i = 0; i < rows * Window; i++)
        {
            inputs[i] = text[i];
            targets[i] = text[i + 1];
        }
        var logits = gpt.forward(tensor(inputs, new long[] { rows, Window }));
        return nn.functional.cross_entropy(logits.view(-1, 256), tensor(targets)).item<float>() / Math.Log(2);
    }

    /// <summary>A byte-level GPT of the HAT's size (within 5%), trained on the same bytes with the same settings.</summary>
    public static (ByteGpt Gpt, double Seconds) TrainByteGpt(byte[] train)
    {
        using var threads = HatTestModels.OneThread();
        manual_seed(3);
        var gpt = new ByteGpt(new ByteGptConfig(Context: Window, Dim: 120, Heads: 4, Layers: 3));
        var batches = new ByteBatches(train, Window);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Trainer.Run(gpt, step =>
        {
            var (inputs, targets) = batches.Sample(Batch, step.Random);
            return nn.functional.cross_entropy(gpt.forward(inputs).view(-1, 256), targets.view(-1));
        }, Options);
        gpt.eval();
        return (gpt, clock.Elapsed.TotalSeconds);
    }

    public sealed record Trained(HatModel Hat, byte[] TrainBytes, string HeldOutText, double UnigramEntropy, double HatSeconds);
}
