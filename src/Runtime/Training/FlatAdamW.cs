using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Training;

/// <summary>
/// AdamW over one flat buffer. The trainable parameters are copied into a single contiguous tensor and each becomes a
/// view of it, as does each gradient of a second one; autograd accumulates into those views, so a step is libtorch's
/// fused AdamW kernel over the whole buffers (fp32 on the CPU; <see cref="FusedAdamWKernel"/>) or else a dozen
/// operations on them, instead of about ten per parameter tensor — a third of a small model's training step went to
/// the optimizer. The update is torch's AdamW: decoupled weight decay, bias-corrected moments, no AMSGrad. Every
/// parameter receives weight decay each step, with or without a gradient.
/// </summary>
public sealed class FlatAdamW : IDisposable
{
    private readonly Tensor values;
    private readonly Tensor gradients;
    private readonly Tensor average;
    private readonly Tensor averageSquare;
    private readonly Tensor? denominator; // scratch of the operation-by-operation step, so it allocates nothing of the buffer's size
    private readonly FusedAdamWKernel? fused;
    private readonly (Tensor Average, Tensor AverageSquare)[] moments;
    private readonly double beta1;
    private readonly double beta2;
    private readonly double epsilon;
    private readonly double weightDecay;
    private bool disposed;

    /// <summary>Moves <paramref name="parameters"/> into one buffer and starts with zero moments.</summary>
    /// <param name="parameters">Trainable parameters of one floating dtype on one device; each distinct object once.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="fused">Run a step as libtorch's fused AdamW kernel, one pass over the buffers, where it can run (fp32
    /// on the CPU, Linux x64); otherwise, or when false, as TorchSharp operations.</param>
    public FlatAdamW(IEnumerable<Parameter> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01,
        bool fused = true)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var unique = parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<Parameter>().ToArray();
        if (unique.Length == 0)
        {
            throw new ArgumentException("There are no parameters to optimise.", nameof(parameters));
        }
        var first = unique[0];
        if (!first.is_floating_point())
        {
            throw new ArgumentException($"Parameters must be floating point; the first is {first.dtype}.", nameof(parameters));
        }
        for (var i = 1; i < unique.Length; i++)
        {
            var p = unique[i];
            if (p.dtype != first.dtype || p.device_type != first.device_type || p.device_index != first.device_index)
            {
                throw new ArgumentException(
                    $"One flat buffer needs one dtype and device: parameter {i} is {p.dtype} on {p.device}, parameter 0 is {first.dtype} on {first.device}.",
                    nameof(parameters));
            }
        }
        (this.beta1, this.beta2, this.epsilon, this.weightDecay) = (beta1, beta2, epsilon, weightDecay);

        // Built in a scope of its own, keeping only the buffers and views the optimizer holds: a caller's dispose scope
        // must not free them.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var total = unique.Sum(p => p.numel());
        values = empty(total, first.dtype, first.device).DetachFromDisposeScope();
        gradients = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        average = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        averageSquare = zeros(total, first.dtype, first.device).DetachFromDisposeScope();
        this.fused = fused ? FusedAdamWKernel.TryCreate(values, gradients, average, averageSquare) : null;
        denominator = this.fused is null ? zeros(total, first.dtype, first.device).DetachFromDisposeScope() : null;
        moments = new (Tensor, Tensor)[unique.Length];
        long offset = 0;
        for (var i = 0; i < unique.Length; i++)
        {
            var p = unique[i];
            var count = p.numel();
            var slot = values.narrow(0, offset, count).view(p.shape);
            slot.copy_(p);
            p.set_(slot);
            p.grad = gradients.narrow(0, offset, count).view(p.shape);
            moments[i] = (average.narrow(0, offset, count).view(p.shape).DetachFromDisposeScope(),
                averageSquare.narrow(0, offset, count).view(p.shape).DetachFromDisposeScope());
            offset += count;
        }
    }

    /// <summary>Whether a step runs libtorch's fused kernel.</summary>
    public bool IsFused => fused is not null;

    /// <summary>The learning rate of the next step.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Steps taken (the t of the bias corrections).</summary>
    public long Steps { get; set; }

    /// <summary>Per parameter, views of its first and second moments (for saving and restoring a run).</summary>
    public IReadOnlyList<(Tensor Average, Tensor AverageSquare)> Moments => moments;

    /// <summary>The L2 norm of all gradients together.</summary>
    public double GradientNorm()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Not linalg.vector_norm: TorchSharp passes its order as a temporary Scalar that nothing keeps alive, so a
        // garbage collection during the call can free it ("Unknown scalar type", seen once in CI). A dot product
        // takes tensors only.
        return gradients.dot(gradients).sqrt_().item<float>();
    }

    /// <summary>Multiplies every gradient by <paramref name="scale"/> (clipping by a norm computed elsewhere).</summary>
    public void ScaleGradients(double scale)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        gradients.mul_(scale);
    }

    /// <summary>
    /// Scales all gradients so their joint L2 norm is at most <paramref name="maxNorm"/> (by maxNorm / (norm + 1e-6), as
    /// <c>clip_grad_norm_</c> does) and returns the norm before clipping.
    /// </summary>
    /// <param name="maxNorm">The largest norm kept.</param>
    public double ClipGradientNorm(double maxNorm)
    {
        var norm = GradientNorm();
        var scale = ClipScale(norm, maxNorm);
        if (scale < 1) ScaleGradients(scale);
        return norm;
    }

    /// <summary>The factor that brings a gradient norm down to <paramref name="maxNorm"/>, as <c>clip_grad_norm_</c> computes it; clip only when below 1.</summary>
    internal static double ClipScale(double norm, double maxNorm) => maxNorm / (norm + 1e-6);

    /// <summary>One AdamW update of every parameter from its accumulated gradient.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Steps++;
        if (fused is not null)
        {
            fused.Step(values, gradients, average, averageSquare, Steps, LearningRate, beta1, beta2, weightDecay, epsilon);
            return;
        }
        var correction1 = 1 - Math.Pow(beta1, Steps);
        var correction2 = 1 - Math.Pow(beta2, Steps);
        var denominator = this.denominator!;
        values.mul_(1 - LearningRate * weightDecay);
        average.mul_(beta1).add_(gradients, alpha: 1 - beta1);
        averageSquare.mul_(beta2).addcmul_(gradients, gradients, value: 1 - beta2);
        denominator.copy_(averageSquare).sqrt_().div_(Math.Sqrt(correction2)).add_(epsilon);
        values.addcdiv_(average, denominator, value: -LearningRate / correction1);
    }

    /// <summary>Zeroes every gradient in place (the gradients stay views of the buffer).</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        gradients.zero_();
    }

    /// <summary>Releases the optimizer's buffers; the parameters keep their values.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        foreach (var (a, s) in moments)
        {
            a.Dispose();
            s.Dispose();
        }
        foreach (var tensor in new[] { values, gradients, average, averageSquare })
        {
            tensor.Dispose();
        }
        denominator?.Dispose();
        fused?.Dispose();
    }
}
