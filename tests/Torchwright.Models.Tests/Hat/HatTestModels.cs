using Torchwright.Models.Hat;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>
/// The HAT tests run alone, after the parallel ones: models are built from torch's process-global seed (HatModel has no
/// initialisation from a private generator), Trainer re-seeds that generator, and <see cref="HatTestModels.OneThread"/>
/// changes the process-wide thread count. Run beside other classes, either would leak into them or they into HAT.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HatCollection : ICollectionFixture<HatTrainedModels>
{
    public const string Name = "Hat";
}

internal static class HatTestModels
{
    /// <summary>
    /// Runs torch on one intra-op thread until disposed. On two cores shared with other test processes, tiny models
    /// train about ten times faster on one thread than on two that contend for the cores (measured: 22 s against
    /// 246 s for the learning fixture's HAT). Restores the previous setting.
    /// </summary>
    public static System.IDisposable OneThread() => Torchwright.Tests.TorchThreads.Use(1);

    /// <summary>The tiny configuration of the reference design: D_e = 64, D_b = 128 (2 layers), one encoder and one decoder layer.</summary>
    public static readonly HatConfig Tiny = new(MaxWordBytes: 32);

    /// <summary>A freshly initialised model; the seed is set right before construction.</summary>
    public static HatModel Create(HatConfig config, int seed)
    {
        manual_seed(seed);
        var model = new HatModel(config);
        model.eval();
        return model;
    }
}
