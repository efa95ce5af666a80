using System;

namespace Torchwright.Runtime.Deletion;

/// <summary>
/// A proportional-integral controller for a non-negative coefficient, e.g. the weight of a regulariser that
/// drives a measured rate toward a target. Each update takes the error <c>e = target − measured</c> and computes
/// <c>P ← s·P + (1−s)·k_p·e</c> (a smoothed proportional term), <c>I ← I + k_i·e</c>, and the output
/// <c>max(minimum, P + I)</c>. A measured rate below the target raises the output.
/// </summary>
public sealed class PiController
{
    /// <summary>Creates the controller with P = I = 0.</summary>
    /// <param name="proportionalGain">k_p.</param>
    /// <param name="integralGain">k_i.</param>
    /// <param name="proportionalSmoothing">s in [0, 1): how much of the previous proportional term is kept. 0 is a plain P term.</param>
    /// <param name="minimum">The smallest output.</param>
    /// <exception cref="ArgumentOutOfRangeException">A gain is negative or not finite, or the smoothing is outside [0, 1).</exception>
    public PiController(double proportionalGain, double integralGain, double proportionalSmoothing = 0.9, double minimum = 0)
    {
        if (!(proportionalGain >= 0) || double.IsInfinity(proportionalGain))
        {
            throw new ArgumentOutOfRangeException(nameof(proportionalGain), proportionalGain, "The proportional gain must be a finite non-negative number.");
        }
        if (!(integralGain >= 0) || double.IsInfinity(integralGain))
        {
            throw new ArgumentOutOfRangeException(nameof(integralGain), integralGain, "The integral gain must be a finite non-negative number.");
        }
        if (!(proportionalSmoothing >= 0 && proportionalSmoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(proportionalSmoothing), proportionalSmoothing, "The smoothing must be in [0, 1).");
        }
        ProportionalGain = proportionalGain;
        IntegralGain = integralGain;
        ProportionalSmoothing = proportionalSmoothing;
        Minimum = minimum;
        Output = Math.Max(minimum, 0);
    }

    /// <summary>k_p.</summary>
    public double ProportionalGain { get; }

    /// <summary>k_i.</summary>
    public double IntegralGain { get; }

    /// <summary>The share of the previous proportional term kept at each update.</summary>
    public double ProportionalSmoothing { get; }

    /// <summary>The smallest output.</summary>
    public double Minimum { get; }

    /// <summary>The smoothed proportional term.</summary>
    public double Proportional { get; private set; }

    /// <summary>The integral term.</summary>
    public double Integral { get; private set; }

    /// <summary>The current output, <c>max(Minimum, P + I)</c>.</summary>
    public double Output { get; private set; }

    /// <summary>Number of updates so far.</summary>
    public int Updates { get; private set; }

    /// <summary>Feeds one measurement and returns the new output.</summary>
    /// <param name="target">The rate wanted.</param>
    /// <param name="measured">The rate observed.</param>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    public double Update(double target, double measured)
    {
        if (!double.IsFinite(target) || !double.IsFinite(measured))
        {
            throw new ArgumentException($"The controller needs finite values, but got target {target} and measurement {measured}.");
        }
        var error = target - measured;
        Proportional = ProportionalSmoothing * Proportional + (1 - ProportionalSmoothing) * ProportionalGain * error;
        Integral += IntegralGain * error;
        Output = Math.Max(Minimum, Proportional + Integral);
        Updates++;
        return Output;
    }
}
