using System;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>
/// The maths of each block written again from its definition, sharing no code with the runtime:
/// the yardstick of the parity tests. Weights come in as plain tensors.
/// </summary>
internal static class Independent
{
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        var y = einsum("...i,oi->...o", x, weight);
        return bias is null ? y : y + bias;
    }

    public static Tensor LayerNorm(Tensor x, Tensor? weight, Tensor? bias, double eps)
    {
        var mean = x.mean(new long[] { -1 }, keepdim: true);
        var variance = (x - mean).pow(2).mean(new long[] { -1 }, keepdim: true);
        var y = (x - mean) * (variance + eps).rsqrt();
        return weight is null ? y : y * weight + bias!;
    }

    public static Tensor RmsNorm(Tensor x, Tensor? weight, double eps)
    {
        var y = x * (x.pow(2).mean(new long[] { -1 }, keepdim: true) + eps).rsqrt();
        return weight is null ? y : y * weight;
    }

    public static Tensor Gelu(Tensor x) => x * 0.5 * (1.0 + special.erf(x * (1 / Math.Sqrt(2))));

    public static Tensor GeluTanh(Tensor x) => 0.5 * x * (1.0 + ((x + 0.044715 * x * x * x) * Math.Sqrt(2 / Math.PI)).tanh());

    public static Tensor Silu(Tensor x) => x * x.sigmoid();

    /// <summary>Rotary embedding by the complex-number definition: pair (a, b) at frequency f is multiplied by e^{i·p·f}.</summary>
    public static Tensor Rope(Tensor x, Tensor positions, double theta)
    {
        var hd = x.shape[^1];
        var half = hd / 2;
        var frequencies = pow(theta, arange(half, ScalarType.Float64) * (-2.0 / hd));
        var angles = positions.to(ScalarType.Float64).unsqueeze(-1) * frequencies; // [.., T, half]
        while (angles.dim() < x.dim())
        {
            angles = angles.unsqueeze(angles.dim() == 2 ? 0 : 1);
        }
        var a = x.narrow(-1, 0, half);
        var b = x.narrow(-1, half, half);
        var cos = angles.cos().to(x.dtype);
        var sin = angles.sin().to(x.dtype);
        return cat(new[] { a * cos - b * sin, a * sin + b * cos }, -1);
    }

    /// <summary>softmax1 from its definition, with the max taken over the scores and the implicit zero.</summary>
    public static Tensor Softmax1(Tensor scores)
    {
        var top = maximum(scores.amax(new long[] { -1 }, keepdim: true), zeros(1));
        var e = (scores - top).exp();
        return e / (e.sum(-1, keepdim: true) + (-top).exp());
    }

    /// <summary>T5 relative position bucket of one distance, with plain integer arithmetic.</summary>
    public static long T5Bucket(long relative, long buckets, long maxDistance, bool bidirectional)
    {
        long result = 0;
        long n;
        if (bidirectional)
        {
            buckets /= 2;
            if (relative > 0)
            {
                result += buckets;
            }
            n = Math.Abs(relative);
        }
        else
        {
            n = Math.Max(-relative, 0);
        }
        var exact = buckets / 2;
        if (n < exact)
        {
            return result + n;
        }
        // float32 arithmetic, as the published T5 implementation computes it
        var scaled = MathF.Log((float)n / exact) / (float)Math.Log((double)maxDistance / exact) * (buckets - exact);
        var large = exact + (long)scaled;
        return result + Math.Min(large, buckets - 1);
    }
}
