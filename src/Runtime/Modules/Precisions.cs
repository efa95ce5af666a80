using TorchSharp;

namespace Torchwright.Runtime;

/// <summary>A module whose arithmetic follows a <see cref="Precision"/> policy.</summary>
public interface IPrecisionAware
{
    /// <summary>The precision the module computes in.</summary>
    Precision Precision { get; set; }
}

/// <summary>Propagates a precision policy, and maps it to element types.</summary>
public static class Precisions
{
    /// <summary>Sets <paramref name="precision"/> on every <see cref="IPrecisionAware"/> module below <paramref name="root"/>.</summary>
    /// <param name="root">The module whose descendants switch.</param>
    /// <param name="precision">The precision to compute in.</param>
    public static void Apply(torch.nn.Module root, Precision precision)
    {
        foreach (var (_, child) in root.named_children())
        {
            if (child is IPrecisionAware aware)
            {
                aware.Precision = precision;
            }
            if (child is not ITorchwrightModule)
            {
                Apply(child, precision); // a generated child propagates further itself
            }
        }
    }

    /// <summary>The element type matrix products run in under <paramref name="precision"/>.</summary>
    /// <param name="precision">The policy.</param>
    public static torch.ScalarType ComputeType(Precision precision)
        => precision == Precision.BFloat16Mixed ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;

    /// <summary>Casts a result that leaves a model to fp32 when it was computed in a lower precision, so that losses are fp32.</summary>
    /// <param name="result">The model's output.</param>
    public static torch.Tensor ToOutput(torch.Tensor result)
    {
        if (result.dtype is torch.ScalarType.BFloat16 or torch.ScalarType.Float16)
        {
            using (result)
            {
                return result.to(torch.ScalarType.Float32);
            }
        }
        return result;
    }
}
