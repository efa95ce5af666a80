using System;
using static TorchSharp.torch;

namespace Torchwright.Tests;

/// <summary>libtorch's intra-op thread count, set for a test and restored after it. The count is process-wide, so the
/// tests that use this run in a collection of their own.</summary>
internal static class TorchThreads
{
    /// <summary>Sets the count to <paramref name="threads"/> until the result is disposed, then restores the previous one.</summary>
    public static IDisposable Use(int threads)
    {
        var before = get_num_threads();
        set_num_threads(threads);
        return new Restore(before);
    }

    private sealed class Restore(int threads) : IDisposable
    {
        public void Dispose() => set_num_threads(threads);
    }
}
