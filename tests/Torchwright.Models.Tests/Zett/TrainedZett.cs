using System;
using Torchwright.Models.Zett;

namespace Torchwright.Models.Tests.Zett;

/// <summary>
/// The tiny ZeTT setup (base model, both hypernetworks), trained once when the collection starts (about 2.5 min on one
/// thread) and shared by the ZeTT tests, so that no single test carries the training.
/// </summary>
public sealed class TrainedZett : IDisposable
{
    // The collection runs alone (ZettCollection), so setting the process-wide count cannot reach other tests; it is
    // restored for the tests that run after it.
    private readonly int threads = TorchSharp.torch.get_num_threads();

    public TrainedZett()
    {
        TorchSharp.torch.set_num_threads(1); // on a shared 2-core machine one thread trains these tiny sizes fastest
        try
        {
            Experiment = ZettExperiment.Run(new ZettSettings());
        }
        catch
        {
            TorchSharp.torch.set_num_threads(threads);
            throw;
        }
    }

    public ZettExperiment Experiment { get; }

    public void Dispose()
    {
        Experiment.Dispose();
        TorchSharp.torch.set_num_threads(threads);
    }
}
