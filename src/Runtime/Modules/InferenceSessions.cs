using System;
using Torchwright.Runtime.Capture;
using static TorchSharp.torch;

namespace Torchwright.Runtime;

/// <summary>
/// Opens a model's inference session (the generated <c>InferenceSession()</c>): until disposed, no-grad calls reuse
/// work between calls. Low-precision weight copies are cast once (<see cref="CastCaches"/>) and, for a model with
/// a capturable forward, each input shape's capture plan is recorded once and replayed (<see cref="InferencePlans{TPlan}"/>).
/// The weights must not be trained, reloaded or moved while a session is open.
/// </summary>
public static class InferenceSessions
{
    /// <summary>A session that only keeps cast weights: the model has no capturable forward.</summary>
    /// <param name="model">The model.</param>
    public static IDisposable Begin(nn.Module model) => CastCaches.Begin(model);

    /// <summary>A session that keeps cast weights and replays per-shape plans.</summary>
    /// <param name="model">The model.</param>
    /// <param name="plans">The model's plans; freed when the session ends.</param>
    public static IDisposable Begin<TPlan>(nn.Module model, InferencePlans<TPlan> plans) where TPlan : CapturePlan
        => new Both(plans.Open(), CastCaches.Begin(model));

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
