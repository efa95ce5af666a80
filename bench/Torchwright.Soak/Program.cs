using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Training;
using Torchwright.Bench;
using static TorchSharp.torch;

namespace Torchwright.Soak;

/// <summary>
/// Trains the small byte-level GPT for 10,000 steps (1,000 with --quick) through the framework's trainer and
/// samples resident memory and live tensors every chunk. Passes when, after the warm-up, memory grows by less
/// than 2 % and the tensor counts do not change. Writes artifacts/bench/soak.json and prints one summary line.
/// </summary>
internal static class Program
{
    private const double MaxGrowthPercent = 2.0;
    private const int BatchSize = 8;
    private const int Chunk = 250;

    private static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        int steps = quick ? 1_000 : 10_000;
        int warmup = steps / 10;
        var output = BenchPaths.Artifacts();
        Directory.CreateDirectory(output);
        set_num_threads(Environment.ProcessorCount);

        var config = new ByteGptConfig(Context: 64, Dim: 64, Heads: 4, Layers: 2);
        manual_seed(1);
        using var model = new ByteGpt(config);
        var batches = new ByteBatches(Encoding.UTF8.GetBytes(SyntheticText.Generate(200_000)), config.Context);
        var options = new TrainingOptions { Steps = steps, LearningRate = 1e-3, WarmupSteps = 100, Seed = 1, ShowProgress = false };
        using var trainer = new Trainer(model, options);

        var snapshots = new List<MemorySnapshot>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        float lastLoss = 0;
        while (trainer.RemainingSteps > 0)
        {
            var result = trainer.Run(step =>
            {
                var (inputs, targets) = batches.Sample(BatchSize, step.Random);
                return nn.functional.cross_entropy(model.forward(inputs).view(-1, config.Vocab), targets.view(-1));
            }, Math.Min(Chunk, trainer.RemainingSteps));
            lastLoss = result.LastLoss;
            var snapshot = MemorySnapshot.Take(trainer.CompletedSteps);
            snapshots.Add(snapshot);
            Console.WriteLine($"step {snapshot.Step,6}: rss in use {snapshot.ResidentKb / 1024.0,7:F1} MB (raw {snapshot.RawResidentKb / 1024.0,7:F1} MB), tensors {snapshot.Tensors}, scoped live {snapshot.ScopedLive}, loss {lastLoss:F3}, {clock.Elapsed.TotalSeconds:F0} s");
        }

        var baseline = snapshots.First(s => s.Step >= warmup);
        var end = snapshots[^1];
        double growth = 100.0 * (end.ResidentKb - baseline.ResidentKb) / baseline.ResidentKb;
        var afterWarmup = snapshots.Where(s => s.Step >= warmup).ToList();
        bool tensorsConstant = afterWarmup.All(s => s.Tensors == baseline.Tensors && s.ScopedLive == baseline.ScopedLive);
        bool passed = growth < MaxGrowthPercent && tensorsConstant;

        var report = new
        {
            mode = quick ? "quick" : "full",
            finished = DateTimeOffset.UtcNow,
            wall_seconds = clock.Elapsed.TotalSeconds,
            machine = $"{Environment.ProcessorCount} logical cores, load average {File.ReadAllText("/proc/loadavg").Trim()}",
            model = config.ToString(),
            batch = BatchSize,
            steps,
            warmup_steps = baseline.Step,
            final_loss = lastLoss,
            cases = new object[]
            {
                Case("resident memory (KB)", baseline.ResidentKb, end.ResidentKb, $"growth < {MaxGrowthPercent}%", growth < MaxGrowthPercent),
                Case("tensor handles", baseline.Tensors, end.Tensors, "constant after warm-up", afterWarmup.All(s => s.Tensors == baseline.Tensors)),
                Case("live tensors in dispose scopes", baseline.ScopedLive, end.ScopedLive, "constant after warm-up", afterWarmup.All(s => s.ScopedLive == baseline.ScopedLive)),
            },
            samples = snapshots,
            passed,
        };
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"soak: {steps} steps, rss {baseline.ResidentKb / 1024.0:F1} → {end.ResidentKb / 1024.0:F1} MB after warm-up ({growth:+0.00;-0.00}%, target < {MaxGrowthPercent}%), " +
            $"tensors {baseline.Tensors} → {end.Tensors}, scoped live {baseline.ScopedLive} → {end.ScopedLive}: {(passed ? "passed" : "FAILED")}");
        var json = JsonSerializer.Serialize(new Dictionary<string, object?> { ["summary"] = summary, ["report"] = report },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        File.WriteAllText(Path.Combine(output, "soak.json"), json);
        Console.WriteLine(summary);
        return passed ? 0 : 1;
    }

    // Baseline = the state after warm-up, candidate = the end of the run; the ratio is candidate / baseline.
    private static object Case(string name, long baseline, long candidate, string target, bool met)
        => new { name, baseline_median = baseline, candidate_median = candidate, ratio = baseline == 0 ? (candidate == 0 ? 1.0 : (double?)null) : (double)candidate / baseline, target, met };
}
