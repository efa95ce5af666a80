using System;
using Torchwright.Runtime.Capture;

namespace Torchwright.Capture.Benchmarks;

/// <summary>Counts the tensors (managed wrappers) a call creates on this thread.</summary>
public static class TensorsCreated
{
    /// <summary>The mean over <paramref name="calls"/> calls of <paramref name="call"/>, after one call to warm up.</summary>
    public static double PerCall(Action call, int calls)
    {
        ArgumentNullException.ThrowIfNull(call);
        call();
        var before = TensorCensus.CreatedOnThisThread;
        for (var i = 0; i < calls; i++)
        {
            call();
        }
        return (TensorCensus.CreatedOnThisThread - before) / (double)calls;
    }
}
