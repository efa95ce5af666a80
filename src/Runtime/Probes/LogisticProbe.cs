using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Probes;

/// <summary>
/// A multinomial logistic-regression probe: how linearly readable a property (a class label) is from frozen
/// feature vectors. Features are standardised with the training set's mean and deviation, the weights start
/// at zero and are fitted by full-batch L-BFGS on the mean cross-entropy plus an L2 penalty, so the result
/// depends on the data alone — no random initialisation, no sampling order.
/// </summary>
public sealed class LogisticProbe : IDisposable
{
    private readonly Tensor mean;
    private readonly Tensor scale;
    private readonly Tensor weight;
    private readonly Tensor bias;

    private LogisticProbe(Tensor mean, Tensor scale, Tensor weight, Tensor bias, int classes)
    {
        this.mean = mean;
        this.scale = scale;
        this.weight = weight;
        this.bias = bias;
        Classes = classes;
    }

    /// <summary>Number of classes the probe tells apart.</summary>
    public int Classes { get; }

    /// <summary>Fits a probe.</summary>
    /// <param name="features">Feature vectors, <c>[M, D]</c> floating point; detached and copied.</param>
    /// <param name="labels">Class of each vector, <c>[M]</c> int64 in <c>[0, classes)</c>.</param>
    /// <param name="classes">Number of classes, at least 2.</param>
    /// <param name="l2">Strength of the L2 penalty on the weights (not the bias). Default 1e-3.</param>
    /// <param name="iterations">L-BFGS iterations. Default 200.</param>
    public static LogisticProbe Fit(Tensor features, Tensor labels, int classes, double l2 = 1e-3, int iterations = 200)
    {
        Check(features, labels);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A probe needs at least two classes.");
        if (l2 < 0 || double.IsNaN(l2)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "The L2 strength must be non-negative.");
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "At least one iteration is needed.");
        {
            var (lowest, highest) = labels.aminmax();
            var (low, high) = (lowest.item<long>(), highest.item<long>());
            lowest.Dispose();
            highest.Dispose();
            if (low < 0 || high >= classes) throw new ArgumentException($"Labels must lie in [0, {classes}), found [{low}, {high}].", nameof(labels));
        }

        using var scope = NewDisposeScope();
        var x = features.detach().to(ScalarType.Float64);
        var mean = x.mean(new long[] { 0 }, keepdim: true);
        var scale = (x - mean).pow(2).mean(new long[] { 0 }, keepdim: true).sqrt().clamp_min(1e-8);
        var standard = (x - mean) / scale;
        var dims = features.shape[1];
        var weight = new TorchSharp.Modules.Parameter(zeros(dims, classes, ScalarType.Float64));
        var bias = new TorchSharp.Modules.Parameter(zeros(classes, ScalarType.Float64));
        using (var optimizer = optim.LBFGS(new[] { weight, bias }, lr: 1, max_iter: iterations, history_size: 20))
        {
            optimizer.step(() =>
            {
                optimizer.zero_grad();
                var logits = standard.matmul(weight) + bias;
                var loss = nn.functional.cross_entropy(logits, labels) + l2 * weight.pow(2).sum();
                loss.backward();
                return loss;
            });
        }
        var probe = new LogisticProbe(mean.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope(),
            weight.detach().MoveToOuterDisposeScope(), bias.detach().MoveToOuterDisposeScope(), classes);
        return probe;
    }

    /// <summary>The predicted class of each vector, <c>[M]</c> int64.</summary>
    /// <param name="features">Feature vectors, <c>[M, D]</c>, D as when fitted.</param>
    public Tensor Predict(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[1] != weight.shape[0])
            throw new ArgumentException($"Features must be [M, {weight.shape[0]}], got [{string.Join(",", features.shape)}].", nameof(features));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var standard = (features.to(ScalarType.Float64) - mean) / scale;
        return (standard.matmul(weight) + bias).argmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>The fraction of vectors whose predicted class is their label.</summary>
    /// <param name="features">Feature vectors, <c>[M, D]</c>.</param>
    /// <param name="labels">Their classes, <c>[M]</c> int64.</param>
    public double Accuracy(Tensor features, Tensor labels)
    {
        Check(features, labels);
        using var predicted = Predict(features);
        using var hits = predicted.eq(labels);
        using var rate = hits.to(ScalarType.Float64).mean();
        return rate.item<double>();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        mean.Dispose();
        scale.Dispose();
        weight.Dispose();
        bias.Dispose();
    }

    private static void Check(Tensor features, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.dim() != 2) throw new ArgumentException($"Features must be [M, D], got [{string.Join(",", features.shape)}].", nameof(features));
        if (!features.is_floating_point()) throw new ArgumentException($"Features must be floating point, got {features.dtype}.", nameof(features));
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"Labels must be [{features.shape[0]}], one per feature vector, got [{string.Join(",", labels.shape)}].", nameof(labels));
        if (labels.dtype != ScalarType.Int64) throw new ArgumentException($"Labels must be int64, got {labels.dtype}.", nameof(labels));
        if (features.shape[0] < 2) throw new ArgumentException("A probe needs at least two examples.", nameof(features));
    }
}
