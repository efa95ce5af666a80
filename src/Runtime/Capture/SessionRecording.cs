using System;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// Marks a capture recorded for an inference session, on this thread. A session may run a shape eagerly instead of
/// replaying a plan; recorders refuse the layers that run faster eagerly (a <see cref="Blocks.Linear"/> layer that
/// multiplies through oneDNN, whose allocations a plan cannot hold), so the session keeps such shapes eager. An
/// explicit <c>Capture</c> always records.
/// </summary>
internal static class SessionRecording
{
    [ThreadStatic]
    private static bool active;

    /// <summary>Whether the capture being recorded on this thread is for a session.</summary>
    public static bool Active => active;

    /// <summary>Marks captures on this thread as a session's until the result is disposed.</summary>
    public static IDisposable Begin()
    {
        var previous = active;
        active = true;
        return new Restore(previous);
    }

    private sealed class Restore(bool previous) : IDisposable
    {
        public void Dispose() => active = previous;
    }
}
