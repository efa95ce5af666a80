using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Torchwright.Models.MrT5;
using static TorchSharp.torch;

namespace Torchwright.Samples.MrT5;

/// <summary>
/// Trains a tiny MrT5 on vowel removal (random letters in, the same letters without vowels out) with the delete
/// gate steered toward a target deletion rate, showing loss, deletion rate and the controller's α as it goes.
/// Then evaluates with hard deletion, prints inputs with the deleted bytes marked, and writes everything under
/// artifacts/mrt5/ (metrics, loss plot, a checkpoint under T5 names, examples, a summary).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (!CommandLine.TryRead(() => MrT5SampleOptions.Parse(args), out var options))
        {
            return 2;
        }
        Directory.CreateDirectory(options.OutputDirectory);
        set_num_threads(options.Threads);

        var config = new MrT5Config();
        var settings = new VowelRemovalSettings(Steps: options.Steps, Seed: options.Seed);
        var training = new MrT5TrainingOptions { TargetDeletionRate = options.Target, RegularizerDelay = options.Steps / 2 };
        using var model = new MrT5Model(config);
        model.InitializeWeights(options.Seed);
        var objective = new MrT5Objective(model, training);

        AnsiConsole.MarkupLine($"[bold]MrT5 on vowel removal[/] — {settings.Length} letters, vowel probability {settings.VowelProbability}, target deletion rate {options.Target}");
        AnsiConsole.WriteLine(model.Summary());
        var elapsed = TrainWithLiveView(model, objective, settings, options);

        var evaluation = VowelRemovalExperiment.Evaluate(model, settings);
        ShowEvaluation(evaluation, objective, elapsed, options.Target);

        var examples = VowelRemoval.Sample(new Random(4242), 6, settings.Length, settings.Length, settings.VowelProbability);
        var lines = ShowExamples(model, examples);

        var checkpoint = Path.Combine(options.OutputDirectory, "mrt5-tiny.safetensors");
        MrT5Checkpoint.Save(model, checkpoint);
        File.WriteAllLines(Path.Combine(options.OutputDirectory, "examples.txt"), lines);
        var summaryPath = Path.Combine(options.OutputDirectory, "summary.json");
        File.WriteAllText(summaryPath, JsonSerializer.Serialize(new { options.Steps, options.Target, evaluation, final = objective.History[^1], seconds = elapsed.TotalSeconds },
            new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(checkpoint)} (T5 names), examples.txt, summary.json, metrics.jsonl and loss.png under {Markup.Escape(options.OutputDirectory)}");

        var tracked = Math.Abs(evaluation.DeletionRate - options.Target) <= 0.1;
        if (!tracked)
        {
            // A quick run is a smoke run: its 200 steps are too few for the controller to settle, so it only says so.
            var colour = options.Quick ? "yellow" : "red";
            var hint = options.Quick ? " A --quick run is too short for the controller to settle; run without --quick to check it." : "";
            AnsiConsole.MarkupLine($"[{colour}]The deletion rate {evaluation.DeletionRate:P1} is more than 10 points from the target {options.Target:P0}.{hint}[/]");
        }
        return tracked || options.Quick ? 0 : 1;
    }

    // A live table when the console is interactive, otherwise one line every 20 steps.
    private static TimeSpan TrainWithLiveView(MrT5Model model, MrT5Objective objective, VowelRemovalSettings settings, MrT5SampleOptions options)
    {
        var interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        if (!interactive)
        {
            return VowelRemovalExperiment.Train(model, objective, settings, options.OutputDirectory, chunk: 20,
                progress: s => AnsiConsole.WriteLine(Line(s, settings.Steps)));
        }
        var table = new Table().AddColumns("step", "cross-entropy", "deletion rate", "α", "score excess");
        table.AddRow("0", "-", "-", "-", "-");
        TimeSpan elapsed = default;
        AnsiConsole.Live(table).Start(context =>
        {
            elapsed = VowelRemovalExperiment.Train(model, objective, settings, options.OutputDirectory, chunk: 5, progress: s =>
            {
                table.UpdateCell(0, 0, $"{s.Step + 1}/{settings.Steps}");
                table.UpdateCell(0, 1, s.CrossEntropy.ToString("F4", CultureInfo.InvariantCulture));
                table.UpdateCell(0, 2, $"{Bar(s.DeletionRate)} {s.DeletionRate:P1} (target {options.Target:P0})");
                table.UpdateCell(0, 3, s.Alpha.ToString("F4", CultureInfo.InvariantCulture));
                table.UpdateCell(0, 4, s.ScoreExcess.ToString("F4", CultureInfo.InvariantCulture));
                context.Refresh();
            });
        });
        AnsiConsole.WriteLine(Line(objective.History[^1], settings.Steps));
        return elapsed;
    }

    private static string Line(MrT5StepStatistics s, int steps) => string.Create(CultureInfo.InvariantCulture,
        $"step {s.Step + 1}/{steps}  cross-entropy {s.CrossEntropy:F4}  deletion rate {s.DeletionRate:P1}  α {s.Alpha:F4}  score excess {s.ScoreExcess:F4}");

    private static string Bar(double fraction)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * 20);
        return "[" + new string('#', filled) + new string('.', 20 - filled) + "]";
    }

    private static void ShowEvaluation(VowelRemovalEvaluation e, MrT5Objective objective, TimeSpan elapsed, double target)
    {
        var table = new Table().AddColumns("held-out evaluation (128 inputs)", "value");
        table.AddRow("cross-entropy, soft deletion", e.SoftCrossEntropy.ToString("F4", CultureInfo.InvariantCulture));
        table.AddRow("cross-entropy, hard deletion", e.HardCrossEntropy.ToString("F4", CultureInfo.InvariantCulture));
        table.AddRow("deletion rate (target)", $"{e.DeletionRate:P1} ({target:P0})");
        table.AddRow("encoder length after the gate", $"{e.KeptLength:F1} of {e.InputLength:F1} tokens (batch padded to {e.CompactedLength})");
        table.AddRow("deleted tokens that are vowels", $"{e.VowelShareOfDeleted:P1} (vowels are {e.VowelShareOfInput:P1} of the input)");
        table.AddRow("vowels deleted", $"{e.VowelsDeleted:P1}");
        table.AddRow("exact match, greedy with hard deletion", $"{e.ExactMatch:P1}");
        table.AddRow("α at the end (never below 0)", $"{objective.Alpha:F4} (min {objective.History.Min(s => s.Alpha):F4})");
        table.AddRow("training time", $"{elapsed.TotalSeconds:F0} s");
        AnsiConsole.Write(table);
    }

    // Prints each input with its deleted bytes struck through, and the greedy output; returns a plain-text copy.
    private static List<string> ShowExamples(MrT5Model model, IReadOnlyList<(string Source, string Target)> examples)
    {
        var lines = new List<string> { "Deleted bytes are marked with ^ below the input (and struck through on the console)." };
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        var batch = Seq2SeqBatch.FromText(examples);
        var (_, gate) = model.encode_lower(batch.Input);
        var deleted = gate.le(model.Config.DeletionThreshold).data<bool>().ToArray();
        var outputs = MrT5Generation.Translate(model, examples.Select(e => e.Source).ToArray(), examples.Max(e => e.Source.Length) + 2);
        var width = batch.Input.shape[1];
        AnsiConsole.MarkupLine("[bold]Inputs with deleted bytes struck through, and greedy outputs (hard deletion):[/]");
        for (var i = 0; i < examples.Count; i++)
        {
            var (source, target) = examples[i];
            var marked = new StringBuilder();
            var markers = new StringBuilder();
            for (var t = 0; t < source.Length; t++)
            {
                var gone = deleted[i * width + t];
                marked.Append(gone ? $"[strikethrough red]{source[t]}[/]" : source[t].ToString());
                markers.Append(gone ? '^' : ' ');
            }
            var eosDeleted = deleted[i * width + source.Length];
            var verdict = outputs[i] == target ? "[green]correct[/]" : "[yellow]differs[/]";
            AnsiConsole.MarkupLine($"  in   {marked}{(eosDeleted ? " [red](eos deleted)[/]" : "")}");
            AnsiConsole.MarkupLine($"  out  {Markup.Escape(outputs[i])}  {verdict}");
            lines.Add("in     " + source);
            lines.Add("del    " + markers.ToString().TrimEnd() + (eosDeleted ? "  (eos deleted)" : ""));
            lines.Add("out    " + outputs[i]);
            lines.Add("want   " + target);
            lines.Add("");
        }
        return lines;
    }
}
