using System;
using System.Collections.Generic;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
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
/// With <see cref="Precision.BFloat16Mixed"/> the Newton–Schulz products run in bf16, as the reference Muon runs them
/// on GPUs: the iteration only needs the singular values near 1, not exact, and the momentum, the weights and their
/// update stay fp32.
/// </remarks>
public sealed class FlatMuon : IDisposable
{
    // Coefficients of the quintic iteration X ← aX + (bA + cA²)X, A = XXᵀ, tuned to push every singular value of a
    // Frobenius-normalised matrix towards 1 in few steps (they land in about [0.7, 1.2], which is enough here).
    private const double A = 3.4445, B = -4.7750, C = 2.0315;

    private readonly ShapeGroup[] groups;
    private readonly ShapeGroup[] groupsByCost;
    private readonly double momentum;
    private readonly bool nesterov;
    private readonly int newtonSchulzSteps;
    private readonly ScalarType? orthogonaliseIn;
    private readonly double weightDecay;
    private int? concurrency;
    private bool disposed;

    /// <summary>Creates the optimiser; the parameters are moved into its buffers (their values are kept).</summary>
    /// <param name="parameters">2-D floating-point parameters of one dtype and device.</param>
    /// <param name="momentum">Momentum coefficient, in [0, 1).</param>
    /// <param name="nesterov">Orthogonalise <c>g + μ·m</c> rather than <c>m</c>.</param>
    /// <param name="newtonSchulzSteps">Iterations of the orthogonalisation, at least 1.</param>
    /// <param name="weightDecay">Decoupled weight decay, multiplied by the learning rate.</param>
    /// <param name="orthogonalisation">The precision of the Newton–Schulz products (bf16 or that of the parameters).</param>
    public FlatMuon(IEnumerable<Parameter> parameters, double momentum = 0.95, bool nesterov = true, int newtonSchulzSteps = 5, double weightDecay = 0,
        Precision orthogonalisation = Precision.Float32)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in [0, 1).");
        if (newtonSchulzSteps < 1) throw new ArgumentOutOfRangeException(nameof(newtonSchulzSteps), newtonSchulzSteps, "Orthogonalisation needs at least one Newton–Schulz step.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must not be negative.");
        if (!Enum.IsDefined(orthogonalisation)) throw new ArgumentOutOfRangeException(nameof(orthogonalisation), orthogonalisation, "Muon orthogonalises in Float32 or BFloat16Mixed.");
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
        orthogonaliseIn = orthogonalisation == Precision.BFloat16Mixed ? ScalarType.BFloat16 : null;
        groups = unique.GroupBy(p => (p.shape[0], p.shape[1])).Select(g => new ShapeGroup(g.ToArray())).ToArray();
        // The iteration's work grows about as n·rows·cols·min(rows, cols).
        groupsByCost = groups.OrderByDescending(g => g.Values.numel() * Math.Min(g.Values.shape[1], g.Values.shape[2])).ToArray();
    }

    /// <summary>Learning rate of the next step.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>
    /// How many shape groups a step may work on at once; null (the default) chooses the processors torch's own
    /// threads leave idle, <c>processors ÷ torch threads</c>.
    /// </summary>
    public int? Concurrency
    {
        get => concurrency;
        set => concurrency = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Concurrency), value, "At least one group at a time.");
    }

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

    /// <summary>
    /// One Muon step on every matrix. When torch runs each operation on fewer threads than there are processors (a
    /// tiny model is often trained on one), the shape groups are stepped concurrently, largest first, on otherwise idle
    /// cores (<see cref="Concurrency"/>); each group's arithmetic is the same either way, so the result is too.
    /// </summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Steps++;
        var atOnce = Math.Min(groups.Length, concurrency ?? Environment.ProcessorCount / Math.Max(1, get_num_threads()));
        if (atOnce <= 1)
        {
            foreach (var group in groups) StepGroup(group);
            return;
        }
        var largestFirst = Partitioner.Create(groupsByCost, EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(largestFirst, new ParallelOptions { MaxDegreeOfParallelism = atOnce }, StepGroup);
    }

    // Runs on any thread: dispose scopes and grad mode are per thread.
    private void StepGroup(ShapeGroup group)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        group.Momentum.mul_(momentum).add_(group.Gradients);
        var direction = nesterov ? group.Gradients.add(group.Momentum, alpha: momentum) : group.Momentum;
        var update = Orthogonalise(direction, newtonSchulzSteps, orthogonaliseIn);
        var (rows, columns) = (group.Values.shape[1], group.Values.shape[2]);
        if (weightDecay > 0) group.Values.mul_(1 - LearningRate * weightDecay);
        group.Values.add_(update, alpha: -LearningRate * 0.2 * Math.Sqrt(Math.Max(rows, columns)));
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
    /// Newton–Schulz iterations (on the wide orientation, so the Gram matrix is the smaller one). The result has the
    /// dtype of <paramref name="matrices"/>; <paramref name="computeIn"/> (e.g. bf16) is the dtype of the products.
    /// </summary>
    public static Tensor Orthogonalise(Tensor matrices, int steps = 5, ScalarType? computeIn = null)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.dim() != 3) throw new ArgumentException($"Expected matrices [n, rows, cols], got [{string.Join(",", matrices.shape)}].", nameof(matrices));
        using var scope = NewDisposeScope();
        var tall = matrices.shape[1] > matrices.shape[2];
        var x = tall ? matrices.transpose(1, 2) : matrices;
        // Frobenius normalisation bounds every singular value by 1, inside the iteration's basin.
        x = x / x.square().sum(new long[] { 1, 2 }, keepdim: true).sqrt_().add_(1e-7);
        if (computeIn is { } dtype && dtype != x.dtype) x = x.to(dtype);
        // The Gram form squares the condition number, which bf16's three digits do not survive; fp32 does (to ~1e-4).
        var (small, large) = (x.shape[1], x.shape[2]);
        var gramForm = large * 2 > small * 3 && steps > 1 && x.dtype is ScalarType.Float32 or ScalarType.Float64;
        x = gramForm ? IterateOnGram(x, steps) : Iterate(x, steps);
        return (tall ? x.transpose(1, 2) : x).to(matrices.dtype).contiguous().MoveToOuterDisposeScope();
    }

    // X ← aX + (bA + cA²)X with A = XXᵀ, on the wide [n, small, large] matrices themselves: per step
    // 2·small²·large + small³ multiply-adds.
    private static Tensor Iterate(Tensor x, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            x = Polynomial(x.bmm(x.transpose(1, 2))).bmm(x).add_(x, alpha: A);
        }
        return x;
    }

    // The same iteration in the small×small space: every iterate is Xₖ = MₖX₀ with Mₖ a polynomial in G = X₀X₀ᵀ, so
    // Aₖ = MₖGMₖᵀ and Mₖ₊₁ = aMₖ + (bAₖ + cAₖ²)Mₖ, with M₁ = aI + bG + cG². Per step 4·small³ multiply-adds, plus
    // 2·small²·large once; cheaper when large > 1.5·small (for [64, 256]: 6.6M against 11.8M over five steps).
    private static Tensor IterateOnGram(Tensor x, int steps)
    {
        var gram = x.bmm(x.transpose(1, 2));
        var identity = eye(x.shape[1], dtype: x.dtype, device: x.device);
        var m = Polynomial(gram).add_(identity, alpha: A);
        for (var i = 1; i < steps; i++)
        {
            m = Polynomial(m.bmm(gram).bmm(m.transpose(1, 2))).bmm(m).add_(m, alpha: A);
        }
        return m.bmm(x);
    }

    // bA + cA² of the Gram matrices A.
    private static Tensor Polynomial(Tensor gram) => gram.bmm(gram).mul_(C).add_(gram, alpha: B);

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
