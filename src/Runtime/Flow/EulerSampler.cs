using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Flow;

/// <summary>
/// Integrates a rectified flow from noise (t = 1) back to data (t = 0) with <c>steps</c> equal Euler steps:
/// for i = T..1, <c>t = i/T</c>, <c>x ← x − (1/T)·v(x, t)</c>.
/// </summary>
public static class EulerSampler
{
    /// <summary>Runs the sampler without gradients.</summary>
    /// <param name="velocity">The model's velocity <c>v(x, t)</c>, with t given as <c>[B]</c>.</param>
    /// <param name="noise">The starting point at t = 1, <c>[B, ..]</c>.</param>
    /// <param name="steps">Number of Euler steps, at least 1.</param>
    /// <returns>The sample at t = 0.</returns>
    public static Tensor Sample(Func<Tensor, Tensor, Tensor> velocity, Tensor noise, int steps)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        ArgumentNullException.ThrowIfNull(noise);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The Euler sampler needs at least one step.");
        using var noGrad = no_grad();
        var x = noise.clone();
        var batch = noise.shape[0];
        for (var i = steps; i >= 1; i--)
        {
            using var scope = NewDisposeScope();
            var t = full(new[] { batch }, (double)i / steps, dtype: noise.dtype, device: noise.device);
            var v = velocity(x, t);
            if (!v.shape.AsSpan().SequenceEqual(x.shape))
                throw new InvalidOperationException($"The velocity has shape [{string.Join(",", v.shape)}] but the state has [{string.Join(",", x.shape)}].");
            x.sub_(v * (1.0 / steps));
        }
        return x;
    }

    /// <summary>Classifier-free guidance: <c>v_u + scale·(v_c − v_u)</c>; scale 1 gives the conditional velocity.</summary>
    /// <param name="conditional">Velocity with the condition.</param>
    /// <param name="unconditional">Velocity with the null condition.</param>
    /// <param name="scale">Guidance scale.</param>
    public static Tensor Guided(Tensor conditional, Tensor unconditional, double scale)
    {
        ArgumentNullException.ThrowIfNull(conditional);
        ArgumentNullException.ThrowIfNull(unconditional);
        using var difference = conditional - unconditional;
        return unconditional + difference.mul_(scale);
    }
}
