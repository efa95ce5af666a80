using System;
using Torchwright.Models.Zett;

namespace Torchwright.Models.Tests.Zett;

/// <summary>
/// The tiny ZeTT setup (base model, both hypernetworks), trained once when the collection starts (about 2.5 min on one
/// thread) and shared by the ZeTT tests, so that no single test carries the training.
/// </summary>
public sealed class TrainedZett : IDisposable
{
    public TrainedZett()
    {
        TorchSharp.torch.set_num_threads(1); // on a shared 2-core machine one thread trains these tiny sizes fastest
        Experiment = ZettExperiment.Run(new ZettSettings());
    }

    public ZettExperiment Experiment { get; }

    public void Dispose() => Experiment.Dispose();
}
