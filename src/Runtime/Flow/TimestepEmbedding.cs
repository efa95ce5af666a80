using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Flow;

/// <summary>
/// Sinusoidal features of a continuous time, as in DiT: <c>[cos(s·t·f_j), sin(s·t·f_j)]</c> with frequencies
/// <c>f_j = maxPeriod^(−j/half)</c>. A learned MLP usually follows.
/// </summary>
public static class TimestepEmbedding
{
    /// <summary>The features of each time.</summary>
    /// <param name="times">Times, <c>[B]</c>.</param>
    /// <param name="dim">Feature width, even.</param>
    /// <param name="scale">Multiplies the time first, so that t in [0, 1] spans many periods. Default 1000.</param>
    /// <param name="maxPeriod">Longest period. Default 10000.</param>
    /// <returns><c>[B, dim]</c>.</returns>
    public static Tensor Sinusoidal(Tensor times, long dim, double scale = 1000, double maxPeriod = 10_000)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.dim() != 1)
            throw new ArgumentException($"Expected times of shape [B], but got [{string.Join(",", times.shape)}].", nameof(times));
        if (dim < 2 || dim % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "The timestep embedding width must be even and at least 2.");
        using var scope = NewDisposeScope();
        var half = dim / 2;
        var frequencies = exp(arange(half, dtype: ScalarType.Float32, device: times.device) * (-Math.Log(maxPeriod) / half));
        var angles = (times.to(ScalarType.Float32) * scale).unsqueeze(1) * frequencies.unsqueeze(0);
        return cat(new[] { angles.cos(), angles.sin() }, 1).to(times.dtype).MoveToOuterDisposeScope();
    }
}
