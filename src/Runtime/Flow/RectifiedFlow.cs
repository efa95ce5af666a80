using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Flow;

/// <summary>
/// Rectified flow on a straight path from data (t = 0) to noise (t = 1): <c>x_t = t·ε + (1 − t)·x₀</c>,
/// whose velocity <c>dx_t/dt = ε − x₀</c> is the regression target. Times are drawn logit-normal,
/// <c>t = sigmoid(n)</c>, n ~ N(mean, std²), which favours the middle of the path.
/// </summary>
public static class RectifiedFlow
{
    /// <summary>Draws one time per sample from the logit-normal distribution.</summary>
    /// <param name="batch">Number of samples.</param>
    /// <param name="generator">Random source; null uses torch's global one.</param>
    /// <param name="mean">Mean of the underlying normal. Default 0.</param>
    /// <param name="std">Standard deviation of the underlying normal. Default 1.</param>
    /// <param name="device">Where to create the times.</param>
    /// <returns>Times in (0, 1), <c>[batch]</c>, float32.</returns>
    public static Tensor LogitNormalTimes(long batch, Generator? generator = null, double mean = 0, double std = 1, Device? device = null)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must hold at least one sample.");
        if (std <= 0) throw new ArgumentOutOfRangeException(nameof(std), std, "The logit-normal standard deviation must be positive.");
        using var normal = randn(new[] { batch }, generator: generator, device: device);
        return normal.mul(std).add_(mean).sigmoid_();
    }

    /// <summary>The point <c>x_t = t·ε + (1 − t)·x₀</c> on the path of each sample.</summary>
    /// <param name="clean">Data x₀, <c>[B, ..]</c>.</param>
    /// <param name="noise">Noise ε, same shape as <paramref name="clean"/>.</param>
    /// <param name="times">Times t, <c>[B]</c>.</param>
    public static Tensor Interpolate(Tensor clean, Tensor noise, Tensor times)
    {
        CheckPair(clean, noise);
        if (times.dim() != 1 || times.shape[0] != clean.shape[0])
            throw new ArgumentException($"Expected one time per sample, [{clean.shape[0]}], but 'times' has shape [{string.Join(",", times.shape)}].", nameof(times));
        using var scope = NewDisposeScope();
        var shape = new long[clean.dim()];
        Array.Fill(shape, 1L);
        shape[0] = clean.shape[0];
        var t = times.to(clean.dtype).view(shape);
        return (t * noise + (1 - t) * clean).MoveToOuterDisposeScope();
    }

    /// <summary>The velocity target <c>ε − x₀</c>.</summary>
    /// <param name="clean">Data x₀.</param>
    /// <param name="noise">Noise ε, same shape.</param>
    public static Tensor Velocity(Tensor clean, Tensor noise)
    {
        CheckPair(clean, noise);
        return noise - clean;
    }

    private static void CheckPair(Tensor clean, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(noise);
        if (!clean.shape.AsSpan().SequenceEqual(noise.shape))
            throw new ArgumentException($"'noise' must have the shape of 'clean', [{string.Join(",", clean.shape)}], but has [{string.Join(",", noise.shape)}].", nameof(noise));
    }
}
