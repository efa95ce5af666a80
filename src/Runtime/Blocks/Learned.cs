using System;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Torchwright.Runtime.Blocks;

/// <summary>A learned tensor of fixed shape (register tokens, a start vector, a mask token). Parameter: <c>weight</c>.</summary>
public sealed class Learned : nn.Module, IForwardPathAware
{
    /// <summary>Creates the tensor, drawn from N(0, std²), or zeros when <paramref name="std"/> is 0.</summary>
    /// <param name="shape">Its shape.</param>
    /// <param name="std">Standard deviation of the initialisation.</param>
    public Learned(long[] shape, double std = 0.02) : base(nameof(Learned))
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var size in shape)
        {
            BlockChecks.Positive(nameof(shape), size);
        }
        var data = empty(shape);
        using (no_grad())
        {
            if (std == 0)
            {
                data.zero_();
            }
            else
            {
                data.normal_(0, std);
            }
        }
        weight = new Parameter(data);
        register_parameter(nameof(weight), weight);
    }

    /// <summary>The tensor.</summary>
    public Parameter weight { get; }

    /// <inheritdoc/>
    public ForwardPath Path { get; set; }

    /// <summary>The tensor itself (a new handle to it, which the caller may dispose).</summary>
    public Tensor forward() => weight.alias();

    /// <summary>Empty on purpose: the parameter is registered explicitly.</summary>
    protected override void RegisterComponents()
    {
    }
}
