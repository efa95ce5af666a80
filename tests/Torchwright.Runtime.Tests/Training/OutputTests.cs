using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Spectre.Console;
using Torchwright.Runtime.Training;
using Xunit;

namespace Torchwright.Runtime.Tests.Training;

public class OutputTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Metrics_file_has_one_json_line_per_logged_step()
    {
        using var temp = new TempDirectory();
        using var model = Regression.NewModel(seed: 4);
        var options = Regression.Options(steps: 25) with { OutputDirectory = temp.Path, LogEvery = 10 };

        var result = Trainer.Run(model, step =>
        {
            step.Report("batch_size", 32);
            return Regression.Loss(model, step);
        }, options);

        var metricsPath = Path.Combine(temp.Path, MetricsLog.FileName);
        Assert.Equal(Path.GetFullPath(metricsPath), result.MetricsPath);
        var lines = File.ReadAllLines(metricsPath);
        Assert.Equal(new[] { 0, 10, 20, 24 }, lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32()));

        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal(
                new[] { "step", "loss", "lr", "grad_norm", "elapsed_ms", "batch_size" },
                root.EnumerateObject().Select(p => p.Name));
            var record = result.Steps[root.GetProperty("step").GetInt32()];
            Assert.Equal(record.Loss, root.GetProperty("loss").GetSingle());
            Assert.Equal(record.LearningRate, root.GetProperty("lr").GetDouble());
            Assert.Equal(record.GradNorm, root.GetProperty("grad_norm").GetDouble());
            Assert.True(root.GetProperty("elapsed_ms").GetDouble() > 0);
            Assert.Equal(32, root.GetProperty("batch_size").GetDouble());
        }

        Assert.Empty(result.Warnings);
        Assert.NotNull(result.PlotPath);
        Assert.Equal(PngSignature, File.ReadAllBytes(result.PlotPath!).Take(8));
        Assert.Equal(new[] { result.MetricsPath!, result.PlotPath! }, result.WrittenFiles);
    }

    [Fact]
    public void Metrics_log_writes_null_for_non_finite_values_and_rejects_reserved_names()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "sub", "m.jsonl");
        using (var log = new MetricsLog(path))
        {
            log.Write(new StepRecord(3, float.NaN, 1e-3, double.PositiveInfinity, 12.5, 1), new Dictionary<string, double> { ["acc"] = 0.5 });
            Assert.Throws<ArgumentException>(() => log.Write(new StepRecord(4, 1, 1, 1, 1, 1), new Dictionary<string, double> { ["loss"] = 1 }));
        }

        var line = Assert.Single(File.ReadAllLines(path));
        var root = JsonDocument.Parse(line).RootElement;
        Assert.Equal(3, root.GetProperty("step").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("loss").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("grad_norm").ValueKind);
        Assert.Equal(12.5, root.GetProperty("elapsed_ms").GetDouble());
        Assert.Equal(0.5, root.GetProperty("acc").GetDouble());
    }

    [Fact]
    public void Loss_plot_is_an_800_by_500_png()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "plots", "loss.png");
        var random = new Random(1);
        var points = Enumerable.Range(0, 200).Select(i => (i, 5.0 * Math.Exp(-i / 40.0) + random.NextDouble() * 0.3)).ToList();
        points.Add((200, double.NaN));

        LossPlot.Save(path, points, "test run");

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes.Take(8));
        // IHDR: width and height are big-endian at offsets 16 and 20.
        Assert.Equal(800, (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19]);
        Assert.Equal(500, (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23]);
    }

    [Fact]
    public void Ema_is_bias_corrected_and_skips_non_finite_values()
    {
        var smoothed = Smoothing.ExponentialMovingAverage([2.0, double.NaN, 4.0], 0.5);
        Assert.Equal(2.0, smoothed[0], 12);
        Assert.Equal(2.0, smoothed[1], 12);
        // (0.5 * 0.5 * 2 + 0.5 * 4) / (1 - 0.25)
        Assert.Equal((0.5 * 1.0 + 2.0) / 0.75, smoothed[2], 12);
    }

    [Fact]
    public void Redirected_output_gets_plain_periodic_lines()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;

        using var model = Regression.NewModel(seed: 4);
        var options = Regression.Options(steps: 25) with
        {
            ShowProgress = true,
            LogEvery = 10,
            RunName = "demo",
            TokensPerStep = 128,
        };
        Trainer.Run(model, step => Regression.Loss(model, step), options, console);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var progress = lines.Where(l => l.StartsWith("demo step ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, progress.Length);
        Assert.StartsWith("demo step 1/25 ", progress[0]);
        Assert.StartsWith("demo step 11/25 ", progress[1]);
        Assert.StartsWith("demo step 21/25 ", progress[2]);
        Assert.StartsWith("demo step 25/25 ", progress[3]);
        Assert.All(progress, l => Assert.Contains("tok/s", l));
        Assert.Contains(lines, l => l.StartsWith("demo: 25 steps in ", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', writer.ToString());
    }

    [Fact]
    public void Live_display_runs_the_loop_on_the_calling_thread_and_shows_the_last_step()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;

        using var model = Regression.NewModel(seed: 4);
        var options = Regression.Options(steps: 25) with { ShowProgress = true, RunName = "live", TokensPerStep = 64 };
        int testThread = Environment.CurrentManagedThreadId;
        var lossThreads = new HashSet<int>();
        Trainer.Run(model, step =>
        {
            lossThreads.Add(Environment.CurrentManagedThreadId);
            return Regression.Loss(model, step);
        }, options, console);

        // Dispose scopes are thread-local, so the live display must not move the loop to another thread.
        Assert.Equal(new[] { testThread }, lossThreads);
        var text = writer.ToString();
        Assert.Contains("live step 25/25", text);
        Assert.Contains("tok/s", text);
        Assert.Contains("\u001b[", text);
    }
}
