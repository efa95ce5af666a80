using System;
using System.IO;
using System.Linq;
using System.Text;
using Spectre.Console;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Checkpoints;
using Torchwright.Runtime.Generation;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Samples.Quickstart;

/// <summary>
/// Trains the byte-level GPT on an embedded corpus (or real text when the machine has the fortunes
/// packages), then continues a prompt greedily and by sampling. Everything it writes goes under
/// artifacts/quickstart/.
/// </summary>
internal static class Program
{
    private const int BatchSize = 16;
    private const string Prompt = "The old sailor ";

    private static int Main(string[] args)
    {
        if (!CommandLine.TryRead(() => SampleOptions.Parse(args, "Quickstart", quickSteps: 150, fullSteps: 450), out var options))
        {
            return 2;
        }
        Directory.CreateDirectory(options.OutputDirectory);
        set_num_threads(options.Threads);

        var (corpusName, text) = LoadCorpus();
        var corpus = Encoding.UTF8.GetBytes(text);
        var config = new ByteGptConfig(Context: 128, Dim: 128, Heads: 4, Layers: 4);
        manual_seed(1234);
        using var model = new ByteGpt(config);
        var batches = new ByteBatches(corpus, config.Context);

        AnsiConsole.MarkupLine($"[bold]Torchwright quickstart[/] — {Markup.Escape(corpusName)}, {corpus.Length:N0} bytes");
        AnsiConsole.WriteLine(model.Summary());

        var training = new TrainingOptions
        {
            Steps = options.Steps,
            LearningRate = 2e-3,
            WarmupSteps = Math.Max(1, options.Steps / 20),
            WeightDecay = 0.01,
            Seed = 1234,
            LogEvery = 10,
            TokensPerStep = BatchSize * config.Context,
            OutputDirectory = options.OutputDirectory,
            RunName = "quickstart",
        };
        var result = Trainer.Run(model, step =>
        {
            var (inputs, targets) = batches.Sample(BatchSize, step.Random);
            var logits = model.forward(inputs);
            return nn.functional.cross_entropy(logits.view(-1, config.Vocab), targets.view(-1));
        }, training);

        var checkpoint = Path.Combine(options.OutputDirectory, "byte-gpt.safetensors");
        Checkpoint.Save(model, checkpoint);

        var initial = result.FirstLoss;
        var final = result.SmoothedFinalLoss;
        var ratio = final / initial;
        var table = new Table().AddColumns("", "value");
        table.AddRow("initial loss (first step)", $"{initial:F3}");
        table.AddRow("final loss (mean of last 10%)", $"{final:F3}");
        table.AddRow("final / initial", $"{ratio:P0}");
        table.AddRow("bits per byte (final)", $"{final / Math.Log(2):F2}");
        table.AddRow("wall time", $"{result.WallTime.TotalSeconds:F0} s");
        table.AddRow("checkpoint", checkpoint);
        table.AddRow("metrics", result.MetricsPath ?? "-");
        table.AddRow("loss plot", result.PlotPath ?? "-");
        AnsiConsole.Write(table);

        model.eval();
        var prompt = Encoding.UTF8.GetBytes(Prompt).Select(b => (long)b).ToList();
        var greedy = Continuation.Extend(model.forward, prompt, 120, config.Context, Sampling.Greedy);
        var generator = new Generator(42);
        var sampled = Continuation.Extend(model.forward, prompt, 120, config.Context, logits => Sampling.Sample(logits, 0.8, 20, generator));
        AnsiConsole.MarkupLine("[bold]Greedy:[/]  " + Markup.Escape(Decode(greedy)));
        AnsiConsole.MarkupLine("[bold]Sampled:[/] " + Markup.Escape(Decode(sampled)));

        if (ratio > 0.6)
        {
            AnsiConsole.MarkupLine($"[red]Training did not converge: final loss is {ratio:P0} of the initial loss (target at most 60%).[/]");
            return 1;
        }
        return 0;
    }

    private static (string Name, string Text) LoadCorpus()
    {
        var fortunes = FortuneText.TryLoad();
        return fortunes is { Length: > 100_000 }
            ? ("fortunes from " + FortuneText.DefaultFolder, fortunes)
            : ("embedded synthetic prose", SyntheticText.Generate(2_000_000));
    }

    private static string Decode(System.Collections.Generic.IEnumerable<long> bytes)
        => Encoding.UTF8.GetString(bytes.Select(b => (byte)b).ToArray()).Replace("\n", " ⏎ ");
}
