using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// The number of threads libtorch's operators use on the calling thread, limited for a while without touching the
/// process-wide setting: OpenMP keeps that number per thread (<c>omp_set_num_threads</c> of the OpenMP runtime
/// libtorch ships), and libtorch's kernels and oneDNN read it on the thread that calls them. <c>torch.set_num_threads</c>
/// would also change the count every thread starts with, so a thread beginning its first operator meanwhile would keep
/// the limit.
/// </summary>
internal static unsafe class IntraOpThreads
{
    private static readonly Lazy<(IntPtr Set, IntPtr Get)> Entries = new(Resolve);

    /// <summary>Whether the limit can be set here (libtorch's OpenMP runtime found: Linux x64).</summary>
    public static bool Available => Entries.Value.Set != IntPtr.Zero && Entries.Value.Get != IntPtr.Zero;

    /// <summary>The threads libtorch's operators use on this thread now.</summary>
    public static int Current
    {
        get
        {
            // libtorch gives a thread its count at the thread's first operator; asking through libtorch first makes
            // sure that has happened, so it cannot later overwrite a limit set here.
            var threads = get_num_threads();
            return Available ? ((delegate* unmanaged<int>)Entries.Value.Get)() : threads;
        }
    }

    /// <summary>Runs libtorch's operators on this thread with at most <paramref name="threads"/> threads until the result
    /// is disposed, then restores this thread's count. Requires <see cref="Available"/>.</summary>
    public static Limit LimitTo(int threads)
    {
        if (!Available)
        {
            throw new InvalidOperationException("libtorch's OpenMP runtime was not found; the thread count cannot be limited per thread here.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var previous = Current;
        Set(threads);
        return new Limit(previous);
    }

    private static void Set(int threads) => ((delegate* unmanaged<int, void>)Entries.Value.Set)(threads);

    private static (IntPtr, IntPtr) Resolve() =>
        LibTorchLibrary.TryGetExport("omp_set_num_threads", out var set) && LibTorchLibrary.TryGetExport("omp_get_max_threads", out var get)
            ? (set, get)
            : (IntPtr.Zero, IntPtr.Zero);

    /// <summary>Restores the calling thread's count when disposed (on the thread that set the limit).</summary>
    public readonly struct Limit(int previous) : IDisposable
    {
        public void Dispose() => Set(previous);
    }
}
