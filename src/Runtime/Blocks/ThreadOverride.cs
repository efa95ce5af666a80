using System;

namespace Torchwright.Runtime.Blocks;

/// <summary>A value set for the current thread until the scope that set it ends (the kernel choices' storage).</summary>
/// <typeparam name="T">The kind of value; each closed type has its own slot per thread.</typeparam>
internal static class ThreadOverride<T> where T : struct
{
    [ThreadStatic]
    private static T current;

    /// <summary>This thread's value; <c>default</c> unless inside <see cref="Use"/>.</summary>
    public static T Current => current;

    /// <summary>Sets this thread's value until the result is disposed, then restores the previous one.</summary>
    public static IDisposable Use(T value)
    {
        var previous = current;
        current = value;
        return new Restore(previous);
    }

    private sealed class Restore(T previous) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                current = previous;
            }
        }
    }
}
