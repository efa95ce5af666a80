using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>Root-mean-square normalisation over the last dimension, T5 style: no mean subtraction, no bias.
/// It computes in fp32 whatever the input's type and returns fp32 (as autocast would). Parameter: <c>weight [dim]</c>.</summary>
public sealed class RmsNorm : Block
{
    /// <summary>Creates the layer with unit scale.</summary>
    /// <param name="dim">Width of the last dimension.</param>
    /// <param name="eps">Added to the mean square.</param>
    /// <param name="affine">Whether to learn a scale.</param>
    public RmsNorm(long dim, double eps = 1e-6, bool affine = true) : base(nameof(RmsNorm))
    {
        BlockChecks.Positive(nameof(dim), dim);
        Eps = eps;
        weight = affine ? AddParameter(nameof(weight), Shape(dim), w => w.fill_(1)) : null;
    }

    /// <summary>The learned scale, or null.</summary>
    public Parameter? weight { get; }

    /// <summary>Added to the mean square.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        var wide = input.dtype == ScalarType.Float32 ? input : input.to(ScalarType.Float32);
        using var squares = wide.square();
        using var meanSquare = squares.mean(new long[] { -1 }, keepdim: true);
        using var scale = meanSquare.add_(Eps).rsqrt_();
        using var normalised = wide * scale;
        if (!ReferenceEquals(wide, input))
        {
            wide.Dispose();
        }
        return weight is null ? normalised.alias() : normalised * weight;
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        using var wide = input.to(ScalarType.Float32);
        using var squares = wide.pow(2);
        using var meanSquare = squares.mean(new long[] { -1 }, keepdim: true);
        using var root = (meanSquare + Eps).sqrt();
        var normalised = wide / root;
        if (weight is null)
        {
            return normalised;
        }
        using (normalised)
        {
            return weight * normalised;
        }
    }
}
