using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>Builds the normalisation layer a transformer asks for.</summary>
internal static class Norms
{
    /// <summary>A norm of <paramref name="kind"/>; without affine parameters when adaLN supplies scale and shift.</summary>
    public static Block Create(NormKind kind, long dim, bool affine) => kind switch
    {
        NormKind.RmsNorm => new RmsNorm(dim, affine: affine),
        _ => new LayerNorm(dim, affine: affine, eps: affine ? 1e-5 : 1e-6),
    };
}
