using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Spectre.Console;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Images;
using static TorchSharp.torch;

namespace Torchwright.Samples.FlexTokSample;

/// <summary>
/// Trains the tiny FlexTok tokenizer on synthetic rectangles and discs, then writes under artifacts/flextok/ a PNG
/// grid (originals, then reconstructions from 1, 2, 4, 8 and 16 tokens), a rate–distortion plot and its figures.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (!CommandLine.TryRead(() => SampleOptions.Parse(args, "FlexTok", quickSteps: 600, fullSteps: 2700), out var options))
        {
            return 2;
        }
        Directory.CreateDirectory(options.OutputDirectory);
        set_num_threads(options.Threads);

        var config = new FlexTokConfig();
        var training = new FlexTokTrainingOptions { Steps = options.Steps, ShowProgress = true, OutputDirectory = options.OutputDirectory };
        AnsiConsole.MarkupLine($"[bold]FlexTok on synthetic shapes[/] — {options.Steps} steps of {training.BatchSize} images {config.LatentSize}×{config.LatentSize}, " +
            $"{config.Registers} registers, FSQ {Markup.Escape("[" + string.Join(",", config.Levels) + "]")}, pixels as the latent");
        var (model, _) = FlexTokTraining.Train(config, training);
        using var tokenizer = model;
        AnsiConsole.WriteLine(tokenizer.Summary());

        using var images = new SyntheticShapes(config.LatentSize).Sample(64, new Random(2024));
        var points = RateDistortion.Measure(tokenizer, images, RateDistortion.PowersOfTwo);
        var table = new Table().AddColumns("tokens k", "pixel MSE", "mean-colour error");
        foreach (var point in points)
        {
            table.AddRow(point.Tokens.ToString(CultureInfo.InvariantCulture), point.Mse.ToString("F4", CultureInfo.InvariantCulture), point.MeanColourError.ToString("F5", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);

        using var shown = images.narrow(0, 0, 8);
        var columns = new List<Tensor> { shown };
        foreach (var count in RateDistortion.PowersOfTwo)
        {
            using var generator = new Generator(5);
            columns.Add(tokenizer.Reconstruct(shown, count, generator: generator));
        }
        using var ids = tokenizer.Tokenize(shown.narrow(0, 0, 1));
        AnsiConsole.MarkupLine($"token ids of the first image: [cyan]{string.Join(" ", ids.data<long>().ToArray())}[/]");
        var grid = ImageGrid.Save(Path.Combine(options.OutputDirectory, "reconstructions.png"), columns);
        var plot = RateDistortionPlot.Save(Path.Combine(options.OutputDirectory, "rate-distortion.png"), points);
        var metrics = Path.Combine(options.OutputDirectory, "rate-distortion.json");
        File.WriteAllText(metrics, JsonSerializer.Serialize(points, new JsonSerializerOptions { WriteIndented = true }));
        foreach (var column in columns.Skip(1)) column.Dispose();
        AnsiConsole.MarkupLine($"grid (originals, then k = 1, 2, 4, 8, 16): {Markup.Escape(grid)}");
        AnsiConsole.MarkupLine($"plot: {Markup.Escape(plot)}; figures: {Markup.Escape(Path.GetFullPath(metrics))}");
        return 0;
    }
}
