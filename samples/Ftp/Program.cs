using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Spectre.Console;
using Torchwright.Models.Ftp;
using Torchwright.Runtime.Probes;
using static TorchSharp.torch;

namespace Torchwright.Samples.FtpSample;

/// <summary>
/// Trains FTP, the GPT baseline and the N-head GPT on synthetic topic sequences, prints the comparison, plots the
/// adjacent top-vector similarity along a held-out sequence and shows draft-and-verify decoding live.
/// Everything it writes goes under artifacts/ftp/.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (!CommandLine.TryRead(() => SampleOptions.Parse(args, "Ftp", quickSteps: 100, fullSteps: 300), out var options))
        {
            return 2;
        }
        Directory.CreateDirectory(options.OutputDirectory);
        set_num_threads(options.Threads);

        var config = new FtpConfig();
        AnsiConsole.MarkupLine($"[bold]FTP on topic sequences[/] — {options.Steps} steps of 16×64 per model, N={config.Future}, P={config.Pseudo}, γ={config.Gamma}");
        var training = new TopicTrainingOptions { Steps = options.Steps, ShowProgress = true, OutputDirectory = options.OutputDirectory };
        var data = TopicTraining.Data(training);
        var (ftp, _) = TopicTraining.Ftp(config, training);
        using var ftpModel = ftp;
        var (gpt, _) = TopicTraining.Gpt(config, training);
        using var gptModel = gpt;
        var (multiHead, _) = TopicTraining.MultiHead(config, training);
        using var multiHeadModel = multiHead;
        AnsiConsole.WriteLine(ftp.Summary());

        using (var metrics = new TopicMetrics(data, training.Length, config.Future))
        {
            AnsiConsole.WriteLine(TopicEvaluation.Measure(metrics, ftp, gpt, multiHead).ToString());
        }

        var plot = PlotOneSequence(data, training.Length, ftp, gpt, Path.Combine(options.OutputDirectory, "adjacent-cosine.png"));
        AnsiConsole.MarkupLine($"plot: {Markup.Escape(plot)}");

        ShowDraftDecoding(ftp, data);
        return 0;
    }

    private static string PlotOneSequence(Torchwright.Runtime.Data.TopicSequences data, int length, FtpModel ftp, GptBaseline gpt, string path)
    {
        var (tokens, topics) = data.SampleSequence(length, new Random(2024));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(tokens, new long[] { 1, tokens.Length });
        var series = new Dictionary<string, float[]>
        {
            ["FTP"] = AdjacentCosine.PerStep(ftp.encode(input))[0].data<float>().ToArray(),
            ["GPT"] = AdjacentCosine.PerStep(gpt.encode(input))[0].data<float>().ToArray(),
        };
        var changes = Enumerable.Range(1, topics.Length - 1).Where(i => topics[i] != topics[i - 1]).ToList();
        return CosinePlot.Save(path, series, changes);
    }

    private static void ShowDraftDecoding(FtpModel model, Torchwright.Runtime.Data.TopicSequences data)
    {
        var (prompt, _) = data.SampleSequence(16, new Random(7));
        const int steps = 40;
        AnsiConsole.MarkupLine($"[bold]Draft-and-verify decoding[/] (greedy, {steps} tokens after a 16-token prompt; kept draft tokens in green, rejected in red)");
        AnsiConsole.Markup("[grey]" + string.Join(" ", prompt) + "[/] ");
        var watch = Stopwatch.StartNew();
        var draft = FtpDecoding.Draft(model, prompt, steps, onRound: round =>
        {
            var kept = string.Join(" ", round.Draft.Take(round.Accepted));
            var rejected = string.Join(" ", round.Draft.Skip(round.Accepted));
            AnsiConsole.Markup($"[green]{kept}[/]" + (rejected.Length > 0 ? $" [red strikethrough]{rejected}[/]" : "") + " [grey]|[/] ");
        });
        var draftTime = watch.Elapsed;
        AnsiConsole.WriteLine();
        watch.Restart();
        var oneStep = FtpDecoding.OneStep(model, prompt, steps);
        var oneStepTime = watch.Elapsed;
        AnsiConsole.MarkupLine($"{draft.Rounds} rounds: {draft.TokensPerEncoderCall:F2} tokens per encoder call, draft tokens 2..N kept {draft.AcceptanceRate:P1}; " +
            $"draft {draftTime.TotalMilliseconds:F0} ms vs one-step {oneStepTime.TotalMilliseconds:F0} ms (×{oneStepTime / draftTime:F2}); " +
            $"same tokens as one-step decoding: {(oneStep.SequenceEqual(draft.Tokens) ? "[green]yes[/]" : "[red]no[/]")}");
    }
}
