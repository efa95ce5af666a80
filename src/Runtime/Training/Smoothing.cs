using System;
using System.Collections.Generic;

namespace Torchwright.Runtime.Training;

/// <summary>Smoothing helpers for noisy training curves.</summary>
public static class Smoothing
{
    /// <summary>
    /// Bias-corrected exponential moving average (as in TensorBoard): <c>ema = s * ema + (1 - s) * x</c>,
    /// divided by <c>1 - s^t</c> so early values are not pulled towards zero. Non-finite inputs are skipped
    /// (the previous smoothed value is repeated).
    /// </summary>
    /// <param name="values">Raw values in order.</param>
    /// <param name="smoothing">Weight of the history, in [0, 1); 0 returns the input unchanged.</param>
    /// <returns>The smoothed series, same length as <paramref name="values"/>.</returns>
    public static double[] ExponentialMovingAverage(IReadOnlyList<double> values, double smoothing)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(smoothing >= 0 && smoothing < 1))
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "Smoothing must be in [0, 1).");

        var result = new double[values.Count];
        double ema = 0, weight = 0, last = double.NaN;
        for (int i = 0; i < values.Count; i++)
        {
            double x = values[i];
            if (double.IsFinite(x))
            {
                ema = smoothing * ema + (1 - smoothing) * x;
                weight = smoothing * weight + (1 - smoothing);
                last = ema / weight;
            }
            result[i] = last;
        }
        return result;
    }
}
