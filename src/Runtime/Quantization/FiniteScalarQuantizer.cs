using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Quantization;

/// <summary>
/// Finite scalar quantisation (Mentzer et al., 2023): each of the <c>d</c> channels of a code is bounded and
/// rounded to one of <c>L_i</c> levels, so a code is one of <c>ΠL_i</c> points and an integer index names it.
/// Codes lie in [−1, 1]: channel i takes the values <c>(j − ⌊L_i/2⌋) / ⌊L_i/2⌋</c>, j = 0..L_i−1. The module has no
/// parameters; rounding passes gradients straight through.
/// </summary>
public sealed class FiniteScalarQuantizer
{
    // Widens the bound slightly so the outermost levels are reachable by tanh, as in the reference code.
    private const double BoundEpsilon = 1e-3;

    private readonly int[] levels;
    private readonly long[] basis;

    /// <summary>Creates the quantiser.</summary>
    /// <param name="levels">Levels per channel, each at least 2, e.g. <c>[8, 5, 5, 5]</c>.</param>
    public FiniteScalarQuantizer(IReadOnlyList<int> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.Count == 0)
            throw new ArgumentException("FSQ needs at least one channel of levels.", nameof(levels));
        for (var i = 0; i < levels.Count; i++)
        {
            if (levels[i] < 2)
                throw new ArgumentOutOfRangeException(nameof(levels), levels[i], $"FSQ channel {i} has {levels[i]} levels; every channel needs at least 2.");
        }
        this.levels = levels.ToArray();
        basis = new long[this.levels.Length];
        long product = 1;
        for (var i = 0; i < this.levels.Length; i++)
        {
            basis[i] = product;
            product = checked(product * this.levels[i]);
        }
        CodebookSize = product;
    }

    /// <summary>Levels per channel.</summary>
    public IReadOnlyList<int> Levels => levels;

    /// <summary>Channels per code, <c>d</c>.</summary>
    public int CodeDim => levels.Length;

    /// <summary>Number of distinct codes, <c>ΠL_i</c>; indices are in <c>[0, CodebookSize)</c>.</summary>
    public long CodebookSize { get; }

    /// <summary>
    /// Squashes each channel into the range whose integer points are its levels:
    /// <c>tanh(z + atanh(offset/h))·h − offset</c> with <c>h = (L−1)(1+ε)/2</c> and offset ½ for even L, 0 for odd.
    /// </summary>
    /// <param name="z">Unbounded values, <c>[.., d]</c>.</param>
    public Tensor Bound(Tensor z)
    {
        CheckChannels(z, nameof(z));
        using var scope = NewDisposeScope();
        var half = Constant(levels.Select(level => (level - 1) * (1 + BoundEpsilon) / 2), z);
        var offset = Constant(levels.Select(level => level % 2 == 0 ? 0.5 : 0.0), z);
        var shift = (offset / half).atanh();
        return ((z + shift).tanh() * half - offset).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bounds, rounds (straight-through) and rescales to codes in [−1, 1]. The gradient is that of
    /// <see cref="Bound"/> divided by <c>⌊L/2⌋</c>: rounding itself passes gradients unchanged.
    /// </summary>
    /// <param name="z">Unbounded values, <c>[.., d]</c>.</param>
    public Tensor Quantize(Tensor z)
    {
        using var scope = NewDisposeScope();
        var rounded = RoundStraightThrough(Bound(z));
        return (rounded / HalfWidths(z)).MoveToOuterDisposeScope();
    }

    /// <summary>Rounds to the nearest integer in the forward pass; the backward pass is the identity.</summary>
    /// <param name="x">Any tensor.</param>
    public static Tensor RoundStraightThrough(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        using var step = (x.round() - x).detach();
        return (x + step).MoveToOuterDisposeScope();
    }

    /// <summary>The index of each code: <c>Σ_i (c_i·⌊L_i/2⌋ + ⌊L_i/2⌋)·basis_i</c>, basis the running product of the levels.</summary>
    /// <param name="codes">Codes on the grid, <c>[.., d]</c>.</param>
    /// <returns>Indices, <c>[..]</c>, int64.</returns>
    public Tensor CodesToIndices(Tensor codes)
    {
        CheckChannels(codes, nameof(codes));
        using var scope = NewDisposeScope();
        var half = HalfWidths(codes);
        var digits = (codes * half + half).round().to(ScalarType.Int64);
        var weights = tensor(basis, device: codes.device);
        return (digits * weights).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>The code of each index: <c>c_i = ((idx / basis_i) mod L_i − ⌊L_i/2⌋) / ⌊L_i/2⌋</c>.</summary>
    /// <param name="indices">Indices in <c>[0, CodebookSize)</c>, <c>[..]</c>, integer.</param>
    /// <returns>Codes, <c>[.., d]</c>, float32.</returns>
    public Tensor IndicesToCodes(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"FSQ indices must be integers, but the tensor is {indices.dtype}.", nameof(indices));
        if (indices.numel() > 0)
        {
            var low = indices.min().item<long>();
            var high = indices.max().item<long>();
            if (low < 0 || high >= CodebookSize)
                throw new ArgumentOutOfRangeException(nameof(indices), $"FSQ indices must be in [0, {CodebookSize}) but range over [{low}, {high}].");
        }
        using var scope = NewDisposeScope();
        var wide = indices.to(ScalarType.Int64).unsqueeze(-1);
        var weights = tensor(basis, device: indices.device);
        var counts = tensor(levels.Select(level => (long)level).ToArray(), device: indices.device);
        var digits = wide.div(weights, rounding_mode: RoundingMode.floor).remainder(counts).to(ScalarType.Float32);
        var half = tensor(levels.Select(level => (float)(level / 2)).ToArray(), device: indices.device);
        return ((digits - half) / half).MoveToOuterDisposeScope();
    }

    /// <summary>Every code in index order, <c>[CodebookSize, d]</c>.</summary>
    public Tensor AllCodes()
    {
        using var indices = arange(CodebookSize, ScalarType.Int64);
        return IndicesToCodes(indices);
    }

    private Tensor HalfWidths(Tensor like) => Constant(levels.Select(level => (double)(level / 2)), like);

    private static Tensor Constant(IEnumerable<double> values, Tensor like)
        => tensor(values.ToArray(), dtype: like.dtype, device: like.device);

    private void CheckChannels(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.dim() == 0 || x.shape[^1] != CodeDim)
            throw new ArgumentException($"FSQ expects '{name}' with {CodeDim} channels in its last dimension (levels [{string.Join(",", levels)}]), but got shape [{string.Join(",", x.shape)}].", name);
    }
}
