using TorchSharp;

namespace Torchwright.Runtime;

/// <summary>Which implementation a Torchwright module runs.</summary>
public enum ForwardPath
{
    /// <summary>The fast path: fused projections, <c>scaled_dot_product_attention</c>, in-place adds.</summary>
    Fused,

    /// <summary>The plain path, written op by op, that tests compare the fused one with.</summary>
    Reference,
}

/// <summary>A module whose implementation can be switched between <see cref="ForwardPath"/>s.</summary>
public interface IForwardPathAware
{
    /// <summary>The implementation the module runs.</summary>
    ForwardPath Path { get; set; }
}

/// <summary>What every generated model and block offers besides TorchSharp's <c>Module</c>.</summary>
public interface ITorchwrightModule : IForwardPathAware, IPrecisionAware
{
    /// <summary>The number of trainable values; tied weights count once.</summary>
    long ParameterCount { get; }

    /// <summary>A table of the parameters by layer, with shapes and counts.</summary>
    string Summary();
}

/// <summary>Propagates a <see cref="ForwardPath"/> to every descendant of a module.</summary>
public static class ForwardPaths
{
    /// <summary>Sets <paramref name="path"/> on every <see cref="IForwardPathAware"/> module below <paramref name="root"/>.</summary>
    /// <param name="root">The module whose descendants switch.</param>
    /// <param name="path">The implementation to run.</param>
    public static void Apply(torch.nn.Module root, ForwardPath path)
    {
        foreach (var (_, child) in root.named_children())
        {
            if (child is IForwardPathAware aware)
            {
                aware.Path = path; // a generated child propagates further itself
            }
            if (child is not ITorchwrightModule)
            {
                Apply(child, path);
            }
        }
    }
}
