using System;
using Torchwright.Models.Zett;

namespace Torchwright.Models.Tests.Zett;

/// <summary>The tiny ZeTT setup (base model, hypernetwork), trained on first use and shared by the ZeTT tests.</summary>
public sealed class TrainedZett : IDisposable
{
    private readonly Lazy<ZettExperiment> experiment = new(() =>
    {
        TorchSharp.torch.set_num_threads(1); // on a shared 2-core machine one thread trains these tiny sizes fastest
        return ZettExperiment.Run(new ZettSettings());
    });

    public ZettExperiment Experiment => experiment.Value;

    public void Dispose()
    {
        if (experiment.IsValueCreated)
        {
            experiment.Value.Dispose();
        }
    }
}
