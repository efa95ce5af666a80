using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Flow;
using Torchwright.Runtime.Images;
using Torchwright.Runtime.Training;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>
/// Tiny tokenizers (reference notes §5.6 sizes) trained on synthetic rectangles and discs, each on first use:
/// FlexTok with the default training, and the ReTok comparison pair, plain and with redundant padding, both with
/// uniform keep counts so that the padding is the only difference, on a shorter run, and the two side by side, one
/// per core.
/// </summary>
public sealed class TrainedTokenizers : IDisposable
{
    public static readonly FlexTokConfig Config = new();
    public static readonly FlexTokTrainingOptions Options = new();

    private readonly Lazy<(FlexTokModel Model, TrainingResult Training)> flexTok = new(() => FlexTokTraining.Train(Config, Options));
    private readonly Lazy<(FlexTokModel Model, TrainingResult Training)[]> reTokPair = new(() => TrainSideBySide(Config, Config with { RedundantRegisters = Config.Registers }));

    private readonly int threads = get_num_threads();

    /// <summary>
    /// Trains with one torch thread: these models are tiny, and on a shared 2-core machine two threads spin against
    /// other processes (measured here: a training step 3–8x slower with two threads than with one under load).
    /// </summary>
    public TrainedTokenizers() => set_num_threads(1);

    /// <summary>Steps of each model of the ReTok pair.</summary>
    public const int ReTokSteps = 800;

    // The pair keeps the settings its figures were measured with: AdamW without weight decay, 16 images a step.
    private static FlexTokTrainingOptions Uniform => Options with
    {
        Steps = ReTokSteps, BatchSize = 16, Muon = null, WeightDecay = 0, Objective = new FlexTokObjectiveOptions { KeepSampling = KeepSampling.Uniform },
    };

    /// <summary>FlexTok with the default training (keep counts uniform, rounded up to a power of two).</summary>
    public FlexTokModel FlexTok => flexTok.Value.Model;

    /// <summary>FlexTok with uniform keep counts over the N registers.</summary>
    public FlexTokModel UniformFlexTok => reTokPair.Value[0].Model;

    /// <summary>The same with ReTok's redundant padding: N clones of the registers, k uniform over 2N.</summary>
    public FlexTokModel PaddedFlexTok => reTokPair.Value[1].Model;

    /// <summary>
    /// Trains one model per config with <see cref="Uniform"/> at the same time, each on its own thread (torch runs each
    /// operation on one). The models are built one after the other first, as <see cref="FlexTokTraining.Train"/> builds
    /// them, because initialisation draws from torch's global generator; training draws only from each step's own
    /// generators, so every model comes out as it would alone.
    /// </summary>
    private static (FlexTokModel Model, TrainingResult Training)[] TrainSideBySide(params FlexTokConfig[] configs)
    {
        var models = new FlexTokModel[configs.Length];
        var results = new TrainingResult[configs.Length];
        try
        {
            for (var i = 0; i < configs.Length; i++)
            {
                manual_seed(Uniform.Seed);
                models[i] = new FlexTokModel(configs[i]);
            }
            Parallel.For(0, configs.Length, i => results[i] = FlexTokTraining.Continue(models[i], Uniform));
            return models.Zip(results).ToArray();
        }
        catch
        {
            foreach (var model in models) model?.Dispose();
            throw;
        }
    }

    /// <summary>Held-out evaluation images, drawn from their own seed.</summary>
    public static Tensor EvaluationImages(int count = 64) => new SyntheticShapes(Config.LatentSize).Sample(count, new Random(2024));

    private readonly System.Collections.Generic.Dictionary<FlexTokModel, System.Collections.Generic.IReadOnlyList<RateDistortionPoint>> curves = new();

    /// <summary>The rate–distortion curve of a model at k = 1, 2, 4, 8, 16 on <see cref="EvaluationImages"/>, measured once.</summary>
    public System.Collections.Generic.IReadOnlyList<RateDistortionPoint> Curve(FlexTokModel model)
    {
        if (!curves.TryGetValue(model, out var curve))
        {
            using var images = EvaluationImages();
            curve = RateDistortion.Measure(model, images, RateDistortion.PowersOfTwo);
            curves[model] = curve;
        }
        return curve;
    }

    public static string Describe(RateDistortionPoint point)
        => string.Create(CultureInfo.InvariantCulture, $"k={point.Tokens,2}: MSE {point.Mse:F4}, mean-colour error {point.MeanColourError:F5}");

    public string Summary(FlexTokModel model)
    {
        // Only models already trained are compared: asking for one that is not would train it.
        var (training, options) = flexTok.IsValueCreated && ReferenceEquals(flexTok.Value.Model, model) ? (flexTok.Value.Training, Options)
            : reTokPair.IsValueCreated && reTokPair.Value.FirstOrDefault(x => ReferenceEquals(x.Model, model)) is { Model: not null } pair ? (pair.Training, Uniform)
            : throw new ArgumentException("Not one of the trained tokenizers.", nameof(model));
        return string.Create(CultureInfo.InvariantCulture,
            $"trained {options.Steps} steps of {options.BatchSize} in {training.WallTime.TotalSeconds:F1}s, final smoothed loss {training.SmoothedFinalLoss:F4}");
    }

    public void Dispose()
    {
        set_num_threads(threads);
        if (flexTok.IsValueCreated) flexTok.Value.Model.Dispose();
        if (reTokPair.IsValueCreated)
        {
            foreach (var (model, _) in reTokPair.Value) model.Dispose();
        }
    }
}
