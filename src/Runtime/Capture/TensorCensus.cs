using TorchSharp;

namespace Torchwright.Runtime.Capture;

/// <summary>Counts the tensors created on the calling thread, inside dispose scopes or not: how tests and benchmarks
/// show that a replay creates none.</summary>
public static class TensorCensus
{
    /// <summary>Tensors created on this thread since it started.</summary>
    public static long CreatedOnThisThread
    {
        get
        {
            var statistics = DisposeScopeManager.Statistics.TensorStatistics;
            return statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
        }
    }
}
