using System;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// The reference's frozen affine scalers around the hypernetwork: the source rows are standardised per column to
/// mean 0 and the initialisation's standard deviation, and the predictions are mapped per column to the mean and
/// standard deviation of the original embeddings. Fitted once before training, then frozen, so the network starts
/// at the targets' scale instead of having to learn it.
/// </summary>
public static class HypernetworkScalers
{
    private const double InitStd = 0.02;

    /// <summary>Fits both scalers for <paramref name="source"/> and freezes them.</summary>
    /// <param name="hypernetwork">A new hypernetwork.</param>
    /// <param name="source">The original <c>[E_in | E_out]</c>, <c>[V, 2d]</c>.</param>
    public static void Fit(ZettHypernetwork hypernetwork, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(hypernetwork);
        ArgumentNullException.ThrowIfNull(source);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var parameters = hypernetwork.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var (sourceMean, sourceStd) = (source.mean(new long[] { 0 }), source.std(0).clamp_min(1e-8));
        parameters["in_scaler_log_scale.weight"].copy_((InitStd / sourceStd).log());
        parameters["in_scaler_shift.weight"].copy_(-sourceMean * (InitStd / sourceStd));
        // The predictions for the original vocabulary before the output scaler (still the identity).
        var predicted = HypernetworkPrediction.OriginalVocabulary(hypernetwork, source);
        var (predictedMean, predictedStd) = (predicted.mean(new long[] { 0 }), predicted.std(0).clamp_min(1e-8));
        var scale = sourceStd / predictedStd;
        parameters["out_scaler_log_scale.weight"].copy_(scale.log());
        parameters["out_scaler_shift.weight"].copy_(sourceMean - predictedMean * scale);
        Freeze(hypernetwork);
    }

    /// <summary>Turns the scalers' gradients off, as <see cref="Fit"/> leaves them (for a copy of a fitted hypernetwork).</summary>
    /// <param name="hypernetwork">A hypernetwork whose scalers hold fitted values.</param>
    public static void Freeze(ZettHypernetwork hypernetwork)
    {
        ArgumentNullException.ThrowIfNull(hypernetwork);
        var parameters = hypernetwork.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var name in new[] { "in_scaler_log_scale", "in_scaler_shift", "out_scaler_log_scale", "out_scaler_shift" })
        {
            parameters[name + ".weight"].requires_grad = false;
        }
    }
}
