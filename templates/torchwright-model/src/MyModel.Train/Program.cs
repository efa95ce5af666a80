using MyModel;
using MyModel.Train;
using Spectre.Console;
using Torchwright.Runtime.Checkpoints;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

// Trains MyModel on the task's embedded data with live progress, then writes a checkpoint,
// a metrics log and a loss plot under artifacts/MyModel/.
var options = TrainOptions.Parse(args);
Directory.CreateDirectory(options.OutputDirectory);
set_num_threads(Environment.ProcessorCount);

var config = MyModelTask.DefaultConfig;
manual_seed(1234);
using var model = new MyModel.MyModel(config);
var task = new MyModelTask(config);

AnsiConsole.MarkupLine($"[bold]MyModel[/] — {Markup.Escape(task.Description)}");
AnsiConsole.WriteLine(model.Summary());

var result = Trainer.Run(model, step => task.Loss(model, step.Random), new TrainingOptions
{
    Steps = options.Steps,
    LearningRate = 3e-3,
    WarmupSteps = Math.Max(1, options.Steps / 20),
    WeightDecay = 0.01,
    Seed = 1234,
    LogEvery = 10,
    OutputDirectory = options.OutputDirectory,
    RunName = "MyModel",
});

var checkpoint = Path.Combine(options.OutputDirectory, "MyModel.safetensors");
Checkpoint.Save(model, checkpoint);

var table = new Table().AddColumns("", "value");
table.AddRow("steps", options.Steps.ToString());
table.AddRow("first loss", $"{result.FirstLoss:F3}");
table.AddRow("final loss (smoothed)", $"{result.SmoothedFinalLoss:F3}");
table.AddRow("wall time", $"{result.WallTime.TotalSeconds:F1} s");
table.AddRow("checkpoint", Markup.Escape(checkpoint));
table.AddRow("metrics", Markup.Escape(result.MetricsPath ?? "-"));
table.AddRow("loss plot", Markup.Escape(result.PlotPath ?? "-"));
AnsiConsole.Write(table);
return 0;
