using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>Two-layer feed-forward network, <c>[.., dim] → [.., hidden] → [.., dim]</c>.
/// Parameters: <c>fc1.weight [hidden, dim]</c>, <c>fc2.weight [dim, hidden]</c>, with biases when asked for.</summary>
public sealed class Mlp : Block
{
    /// <summary>Creates the network.</summary>
    /// <param name="dim">Input and output width.</param>
    /// <param name="hidden">Hidden width.</param>
    /// <param name="activation">The activation between the layers.</param>
    /// <param name="bias">Whether the layers carry biases.</param>
    public Mlp(long dim, long hidden, Activation activation = Activation.Gelu, bool bias = true) : base(nameof(Mlp))
    {
        Activation = activation;
        fc1 = AddChild(nameof(fc1), new Linear(dim, hidden, bias));
        fc2 = AddChild(nameof(fc2), new Linear(hidden, dim, bias));
    }

    /// <summary>The widening layer.</summary>
    public Linear fc1 { get; }

    /// <summary>The narrowing layer.</summary>
    public Linear fc2 { get; }

    /// <summary>The activation between the layers.</summary>
    public Activation Activation { get; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        using var hidden = fc1.forward(input);
        // In place only when no graph is recorded: the activation's backward needs its input.
        var inPlace = !is_grad_enabled();
        using var activated = Activation switch
        {
            Activation.Gelu => nn.functional.gelu(hidden, inPlace),
            Activation.GeluTanh => nn.functional.gelu(hidden, TorchSharp.Modules.GELU.Approximate.tanh, inPlace),
            _ => nn.functional.relu(hidden, inPlace),
        };
        return fc2.forward(activated);
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        using var hidden = fc1.forward(input);
        using var activated = Activate(hidden);
        return fc2.forward(activated);
    }

    // The activations written out from their definitions.
    private Tensor Activate(Tensor x) => Activation switch
    {
        Activation.Gelu => 0.5 * x * (1 + (x / Math.Sqrt(2)).erf()),
        Activation.GeluTanh => 0.5 * x * (1 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh()),
        _ => x.clamp_min(0),
    };
}
