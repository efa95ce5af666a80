using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Training;

/// <summary>
/// Muon (Jordan et al., 2024) for 2-D weight matrices: SGD momentum whose update is orthogonalised — replaced by the
/// nearest semi-orthogonal matrix, approximately, by a quintic Newton–Schulz iteration — so that every direction of
/// the matrix moves at the same rate. Parameters of one shape share one <c>[n, rows, cols]</c> buffer (values,
/// gradients and momentum, with the parameters and their gradients as views into it), so a step is a few batched
/// matrix products per shape instead of a loop over matrices.
/// </summary>
/// <remarks>
/// The update is scaled by <c>0.2·√max(rows, cols)</c>, which gives it about the root-mean-square size of an AdamW
/// update, so the same learning rate and weight decay serve both optimisers (Liu et al., 2025, "Muon is scalable").
/// </remarks>
public sealed class FlatMuon : IDisposable
{
    // Coefficients of the quintic iteration X ← aX + (bA + cA²)X, A = XXᵀ, tuned to push every singular value of a
    // Frobenius-normalised matrix towards 1 in few steps (they land in about [0.7, 1.2], which is enough here).
    private const double A = 3.4445, B = -4.7750, C = 2.0315;

    private readonly ShapeGroup[] groups;
    private readonly double momentum;
    private readonly bool nesterov;
    private readonly int newtonSchulzSteps;
    private readonly double weightDecay;
    private bool disposed;

    /// <summary>Creates the optimiser; the parameters are moved into its buffers (their values are kept).</summary>
    /// <param name="parameters">2-D floating-point parameters of one dtype and device.</param>
    /// <param name="momentum">Momentum coefficient, in [0, 1).</param>
    /// <param name="nesterov">Orthogonalise <c>g + μ·m</c> rather than <c>m</c>.</param>
    /// <param name="newtonSchulzSteps">Iterations of the orthogonalisation, at least 1.</param>
    /// <param name="weightDecay">Decoupled weight decay, multiplied by the learning rate.</param>
    public FlatMuon(IEnumerable<Parameter> parameters, double momentum = 0.95, bool nesterov = true, int newtonSchulzSteps = 5, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in [0, 1).");
        if (newtonSchulzSteps < 1) throw new ArgumentOutOfRangeException(nameof(newtonSchulzSteps), newtonSchulzSteps, "Orthogonalisation needs at least one Newton–Schulz step.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must not be negative.");
        var unique = parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<Parameter>().ToArray();
        if (unique.Length == 0) throw new ArgumentException("There are no parameters to optimise.", nameof(parameters));
        for (var i = 0; i < unique.Length; i++)
        {
            var p = unique[i];
            if (p.dim() != 2)
                throw new ArgumentException($"Muon updates matrices; parameter {i} has shape [{string.Join(",", p.shape)}].", nameof(parameters));
            if (!p.is_floating_point() || p.dtype != unique[0].dtype || p.device_type != unique[0].device_type || p.device_index != unique[0].device_index)
                throw new ArgumentException($"Muon's buffers need one floating-point dtype and device: parameter {i} is {p.dtype} on {p.device}, parameter 0 is {unique[0].dtype} on {unique[0].device}.", nameof(parameters));
        }
        (this.momentum, this.nesterov, this.newtonSchulzSteps, this.weightDecay) = (momentum, nesterov, newtonSchulzSteps, weightDecay);
        groups = unique.GroupBy(p => (p.shape[0], p.shape[1])).Select(g => new ShapeGroup(g.ToArray())).ToArray();
    }

    /// <summary>Learning rate of the next step.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Steps taken.</summary>
    public long Steps { get; set; }

    /// <summary>The momentum buffers, one <c>[n, rows, cols]</c> tensor per parameter shape, in a stable order.</summary>
    public IReadOnlyList<Tensor> Momenta => groups.Select(g => g.Momentum).ToArray();

    /// <summary>The sum of the squared gradients (to combine with another optimiser's into one global norm).</summary>
    public double GradientSquareSum()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return groups.Sum(g => (double)g.Gradients.square().sum().item<float>());
    }

    /// <summary>Multiplies every gradient by <paramref name="scale"/> (gradient clipping).</summary>
    public void ScaleGradients(double scale)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var _ = no_grad();
        foreach (var group in groups) group.Gradients.mul_(scale);
    }

    /// <summary>One Muon step on every matrix.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Steps++;
        foreach (var group in groups)
        {
            group.Momentum.mul_(momentum).add_(group.Gradients);
            var direction = nesterov ? group.Gradients.add(group.Momentum, alpha: momentum) : group.Momentum;
            var update = Orthogonalise(direction, newtonSchulzSteps);
            var (rows, columns) = (group.Values.shape[1], group.Values.shape[2]);
            if (weightDecay > 0) group.Values.mul_(1 - LearningRate * weightDecay);
            group.Values.add_(update, alpha: -LearningRate * 0.2 * Math.Sqrt(Math.Max(rows, columns)));
        }
    }

    /// <summary>Zeroes every gradient.</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var _ = no_grad();
        foreach (var group in groups) group.Gradients.zero_();
    }

    /// <summary>
    /// The approximate orthogonal factor of each matrix of <paramref name="matrices"/>, <c>[n, rows, cols]</c>: the
    /// polar factor <c>UVᵀ</c> of <c>USVᵀ</c>, with singular values brought near 1 by <paramref name="steps"/>
    /// Newton–Schulz iterations (on the wide orientation, so the Gram matrix is the smaller one).
    /// </summary>
    public static Tensor Orthogonalise(Tensor matrices, int steps = 5)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.dim() != 3) throw new ArgumentException($"Expected matrices [n, rows, cols], got [{string.Join(",", matrices.shape)}].", nameof(matrices));
        using var scope = NewDisposeScope();
        var tall = matrices.shape[1] > matrices.shape[2];
        var x = tall ? matrices.transpose(1, 2) : matrices;
        // Frobenius normalisation bounds every singular value by 1, inside the iteration's basin.
        x = x / x.square().sum(new long[] { 1, 2 }, keepdim: true).sqrt_().add_(1e-7);
        for (var i = 0; i < steps; i++)
        {
            var gram = x.bmm(x.transpose(1, 2));
            var polynomial = gram.bmm(gram).mul_(C).add_(gram, alpha: B);
            x = polynomial.bmm(x).add_(x, alpha: A);
        }
        return (tall ? x.transpose(1, 2) : x).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Releases the buffers.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var group in groups) group.Dispose();
    }

    // Parameters of one shape, moved into [n, rows, cols] buffers of values, gradients and momentum.
    private sealed class ShapeGroup : IDisposable
    {
        public ShapeGroup(Parameter[] parameters)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var first = parameters[0];
            var shape = new[] { parameters.Length, first.shape[0], first.shape[1] };
            Values = empty(shape, first.dtype, first.device).DetachFromDisposeScope();
            Gradients = zeros(shape, first.dtype, first.device).DetachFromDisposeScope();
            Momentum = zeros(shape, first.dtype, first.device).DetachFromDisposeScope();
            for (var i = 0; i < parameters.Length; i++)
            {
                var slot = Values[i];
                slot.copy_(parameters[i]);
                parameters[i].set_(slot);
                parameters[i].grad = Gradients[i];
            }
        }

        public Tensor Values { get; }

        public Tensor Gradients { get; }

        public Tensor Momentum { get; }

        public void Dispose()
        {
            Values.Dispose();
            Gradients.Dispose();
            Momentum.Dispose();
        }
    }
}
