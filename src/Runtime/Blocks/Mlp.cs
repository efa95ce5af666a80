using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Two-layer feed-forward network <c>[.., dim] → [.., hidden] → [.., dim]</c>; gated (GEGLU, SwiGLU) when
/// asked, with gate and value computed by one GEMM. Parameters: <c>fc1.weight [hidden, dim]</c>, or
/// <c>[2·hidden, dim]</c> gated (gate rows first); <c>fc2.weight [dim, hidden]</c>; biases when asked for.
/// </summary>
public sealed class Mlp : Block
{
    /// <summary>Creates the network.</summary>
    /// <param name="dim">Input and output width.</param>
    /// <param name="hidden">Hidden width.</param>
    /// <param name="activation">The activation (of the gate, when gated).</param>
    /// <param name="bias">Whether the layers carry biases.</param>
    /// <param name="gated">Multiply the activated gate by a second projection (T5 v1.1 gated-GELU, SwiGLU).</param>
    /// <param name="init">How both weights are drawn.</param>
    public Mlp(long dim, long hidden, Activation activation = Activation.Gelu, bool bias = true, bool gated = false, WeightInit init = WeightInit.Gpt2) : base(nameof(Mlp))
    {
        Activation = activation;
        Gated = gated;
        Hidden = hidden;
        fc1 = AddChild(nameof(fc1), new Linear(dim, gated ? 2 * hidden : hidden, bias, init: init));
        fc2 = AddChild(nameof(fc2), new Linear(hidden, dim, bias, init: init));
    }

    /// <summary>The widening layer (gate and value stacked when gated).</summary>
    public Linear fc1 { get; }

    /// <summary>The narrowing layer.</summary>
    public Linear fc2 { get; }

    /// <summary>The activation.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the network is gated.</summary>
    public bool Gated { get; }

    /// <summary>Hidden width.</summary>
    public long Hidden { get; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        // In place only when no graph is recorded: the activation's backward needs its input.
        var inPlace = !is_grad_enabled();
        using var widened = fc1.forward(input);
        if (!Gated)
        {
            using var activated = ActivateFused(widened, inPlace);
            return fc2.forward(activated);
        }
        var halves = widened.chunk(2, -1);
        using var gate = halves[0];
        using var value = halves[1];
        using var activatedGate = ActivateFused(gate, inPlace: false); // a view of 'widened': never in place
        using var product = inPlace ? activatedGate.mul_(value) : activatedGate * value;
        return fc2.forward(product);
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        using var widened = fc1.forward(input);
        if (!Gated)
        {
            using var activated = ActivateReference(widened);
            return fc2.forward(activated);
        }
        using var gate = widened.narrow(-1, 0, Hidden);
        using var value = widened.narrow(-1, Hidden, Hidden);
        using var activatedGate = ActivateReference(gate);
        using var product = activatedGate * value;
        return fc2.forward(product);
    }

    private Tensor ActivateFused(Tensor x, bool inPlace) => Activation switch
    {
        Activation.Gelu => nn.functional.gelu(x, inPlace),
        Activation.GeluTanh => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh, inPlace),
        Activation.Silu => nn.functional.silu(x, inPlace),
        _ => nn.functional.relu(x, inPlace),
    };

    // The activations written out from their definitions.
    private Tensor ActivateReference(Tensor x) => Activation switch
    {
        Activation.Gelu => 0.5 * x * (1 + (x / Math.Sqrt(2)).erf()),
        Activation.GeluTanh => 0.5 * x * (1 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh()),
        Activation.Silu => x / (1 + (-x).exp()),
        _ => x.clamp_min(0),
    };
}
