using System;
using System.IO;
using System.Linq;
using System.Text;
using Spectre.Console;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Checkpoints;
using Torchwright.Runtime.Generation;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Samples.Hat;

/// <summary>
/// HAT in one run: shows how a sentence splits into words, trains a small HAT on the embedded corpus (or real text
/// when the machine has the fortunes packages), then generates word by word — each word appears when the splitter
/// says it is complete and the word backbone runs once for it. Everything it writes goes under artifacts/hat/.
/// </summary>
internal static class Program
{
    private const int Window = 256;
    private const int BatchSize = 8;
    private const string Prompt = "The old sailor ";
    private const string Sentence = "Hello, world! HAT reads bytes, pools camelCaseWords into words, and predicts 3.14 words/s.";

    private static int Main(string[] args)
    {
        if (!CommandLine.TryRead(() => SampleOptions.Parse(args, "Hat", quickSteps: 120, fullSteps: 400), out var options))
        {
            return 2;
        }
        Directory.CreateDirectory(options.OutputDirectory);
        set_num_threads(options.Threads);
        var config = new HatConfig(EncoderDim: 96, EncoderHeads: 4, EncoderLayers: 1, BackboneDim: 192, BackboneHeads: 4, BackboneLayers: 3, DecoderLayers: 1, MaxWordBytes: 32);

        AnsiConsole.MarkupLine("[bold]HAT — hierarchical autoregressive transformer[/]");
        AnsiConsole.MarkupLine($"How the word splitter cuts a sentence (at most {config.MaxWordBytes} bytes a word):");
        AnsiConsole.Write(WordDisplay.SplitTable(Sentence, config.MaxWordBytes));

        var (corpusName, text) = LoadCorpus();
        var corpus = Encoding.UTF8.GetBytes(text);
        int split = corpus.Length * 95 / 100;
        var batches = new HatBatches(corpus[..split], Window, config.MaxWordBytes);
        var heldOut = new HatBatches(corpus[split..], Window, config.MaxWordBytes);
        manual_seed(1234);
        using var model = new HatModel(config);
        AnsiConsole.MarkupLine($"Corpus: {Markup.Escape(corpusName)}, {corpus.Length:N0} bytes");
        AnsiConsole.WriteLine(model.Summary());

        var training = new TrainingOptions
        {
            Steps = options.Steps,
            LearningRate = 3e-3,
            WarmupSteps = Math.Max(1, options.Steps / 20),
            WeightDecay = 0.01,
            Seed = 1234,
            LogEvery = 10,
            TokensPerStep = BatchSize * Window,
            OutputDirectory = options.OutputDirectory,
            RunName = "hat",
        };
        var result = Trainer.Run(model, step =>
        {
            var (inputs, targets) = batches.Sample(BatchSize, step.Random);
            using (inputs)
            {
                var logits = inputs.LogitsOf(model);
                return nn.functional.cross_entropy(logits.view(-1, config.Vocab), targets.view(-1));
            }
        }, training);

        var checkpoint = Path.Combine(options.OutputDirectory, "hat.safetensors");
        Checkpoint.Save(model, checkpoint);
        model.eval();
        double heldOutBits = HeldOutBitsPerByte(model, heldOut);
        double entropy = UnigramEntropy(corpus);

        var table = new Table().AddColumns("", "value");
        table.AddRow("bits per byte, training (last 10%)", $"{result.SmoothedFinalLoss / Math.Log(2):F2}");
        table.AddRow("bits per byte, held-out text", $"{heldOutBits:F2}");
        table.AddRow("byte unigram entropy", $"{entropy:F2}");
        table.AddRow("wall time", $"{result.WallTime.TotalSeconds:F0} s");
        table.AddRow("checkpoint", checkpoint);
        table.AddRow("metrics", result.MetricsPath ?? "-");
        table.AddRow("loss plot", result.PlotPath ?? "-");
        AnsiConsole.Write(table);

        var generator = new HatGenerator(model);
        AnsiConsole.MarkupLine("[bold]Greedy, word by word[/] (a word appears when the next one begins; the backbone runs once per word):");
        var greedy = GenerateLive(generator, 200, Sampling.Greedy);
        var random = new Generator(42);
        AnsiConsole.MarkupLine("[bold]Sampled[/] (temperature 0.8, top 20):");
        var sampled = GenerateLive(generator, 200, logits => Sampling.Sample(logits, 0.8, 20, random));
        File.WriteAllText(Path.Combine(options.OutputDirectory, "generated.txt"),
            Encoding.UTF8.GetString(greedy.Text) + "\n\n" + Encoding.UTF8.GetString(sampled.Text) + "\n");

        if (heldOutBits > 0.75 * entropy)
        {
            AnsiConsole.MarkupLine($"[red]Training did not converge: {heldOutBits:F2} bits per byte on held-out text, not 25% below the unigram entropy {entropy:F2}.[/]");
            return 1;
        }
        return 0;
    }

    private static HatGeneration GenerateLive(HatGenerator generator, int steps, Func<Tensor, long> choose)
    {
        int index = 0;
        var prompt = Encoding.UTF8.GetBytes(Prompt);
        // The prompt's complete words are pooled during the prefill; its unfinished word ends up in the first word shown.
        var promptWords = Torchwright.Runtime.Text.Words.WordSplitter.GetWordSpans(prompt, 32);
        AnsiConsole.Markup($"[grey]{Markup.Escape(Encoding.UTF8.GetString(prompt, 0, promptWords.Starts[promptWords.Count - 1]))}[/]");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var generation = generator.Generate(prompt, steps, choose, onWord: word => AnsiConsole.Markup(WordDisplay.Coloured(word, index++)));
        AnsiConsole.MarkupLine(WordDisplay.Coloured(generation.UnfinishedWord.ToArray(), index));
        AnsiConsole.MarkupLine($"[grey]{generation.Generated.Length} bytes, {generation.WordsCompleted} words completed, {generation.BackboneCalls} backbone calls, {generation.Generated.Length / clock.Elapsed.TotalSeconds:F0} bytes/s[/]");
        return generation;
    }

    private static double HeldOutBitsPerByte(HatModel model, HatBatches heldOut)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (inputs, targets) = heldOut.Sample(16, new Random(7));
        using (inputs)
        {
            return nn.functional.cross_entropy(inputs.LogitsOf(model).view(-1, 256), targets.view(-1)).item<float>() / Math.Log(2);
        }
    }

    private static double UnigramEntropy(byte[] bytes)
    {
        var counts = new long[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }
        return -counts.Where(c => c > 0).Sum(c => (double)c / bytes.Length * Math.Log2((double)c / bytes.Length));
    }

    private static (string Name, string Text) LoadCorpus()
    {
        var fortunes = FortuneText.TryLoad();
        return fortunes is { Length: > 100_000 }
            ? ("fortunes from " + FortuneText.DefaultFolder, fortunes)
            : ("embedded synthetic prose", SyntheticText.Generate(2_000_000));
    }
}
