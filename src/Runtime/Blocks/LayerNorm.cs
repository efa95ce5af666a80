using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>Layer normalisation over the last dimension. Parameters (when affine): <c>weight [dim]</c>, <c>bias [dim]</c>.</summary>
public sealed class LayerNorm : Block
{
    private readonly long[] normalizedShape;

    /// <summary>Creates the layer with unit scale and zero shift.</summary>
    /// <param name="dim">Width of the last dimension.</param>
    /// <param name="affine">Whether to learn a scale and shift.</param>
    /// <param name="eps">Added to the variance.</param>
    public LayerNorm(long dim, bool affine = true, double eps = 1e-5) : base(nameof(LayerNorm))
    {
        BlockChecks.Positive(nameof(dim), dim);
        normalizedShape = Shape(dim);
        Eps = eps;
        if (affine)
        {
            weight = AddParameter(nameof(weight), Shape(dim), w => w.fill_(1));
            bias = AddParameter(nameof(bias), Shape(dim), b => b.zero_());
        }
    }

    /// <summary>The learned scale, or null.</summary>
    public Parameter? weight { get; }

    /// <summary>The learned shift, or null.</summary>
    public Parameter? bias { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Normalises in fp32 whatever the input's type (as autocast does), so the output is fp32.</summary>
    /// <param name="input">The input tensor.</param>
    protected override Tensor Fused(Tensor input)
    {
        if (input.dtype == ScalarType.Float32)
        {
            return nn.functional.layer_norm(input, normalizedShape, weight, bias, Eps);
        }
        using var wide = input.to(ScalarType.Float32);
        return nn.functional.layer_norm(wide, normalizedShape, weight, bias, Eps);
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        using var wide = input.to(ScalarType.Float32);
        using var mean = wide.mean(new long[] { -1 }, keepdim: true);
        using var centred = wide - mean;
        using var squares = centred.square();
        using var variance = squares.mean(new long[] { -1 }, keepdim: true);
        using var shifted = variance + Eps;
        using var std = shifted.sqrt();
        var normalised = centred / std;
        if (weight is null)
        {
            return normalised;
        }
        using (normalised)
        using (var scaled = normalised * weight)
        {
            return scaled + bias!;
        }
    }
}
