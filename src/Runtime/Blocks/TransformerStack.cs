using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// <c>depth</c> pre-norm transformer layers applied in turn, stored as <c>0.*</c>, <c>1.*</c>, … like a
/// PyTorch <c>ModuleList</c>. The output projections start scaled by 1/√(2·depth), as in GPT-2, so that
/// the residual stream's variance does not grow with depth. Masks and position tables are built once
/// per call for the whole stack, not per layer.
/// </summary>
public sealed class TransformerStack : nn.Module, IForwardPathAware
{
    private readonly List<TransformerBlock> layers = new();

    /// <summary>Creates the stack.</summary>
    /// <param name="depth">Number of layers.</param>
    /// <param name="options">Sizes and behaviour of every layer.</param>
    public TransformerStack(long depth, TransformerOptions options) : base(nameof(TransformerStack))
    {
        BlockChecks.Positive(nameof(depth), depth);
        var residualScale = 1 / Math.Sqrt(2 * depth);
        for (var i = 0; i < depth; i++)
        {
            var layer = new TransformerBlock(options);
            register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
            using (no_grad())
            {
                layer.attn.proj.weight.mul_(residualScale);
                layer.cross_attn?.proj.weight.mul_(residualScale);
                layer.mlp.fc2.weight.mul_(residualScale);
            }
            layers.Add(layer);
        }
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<TransformerBlock> Layers => layers;

    /// <inheritdoc/>
    public ForwardPath Path { get; set; }

    /// <summary>Runs every layer; the arguments are those of <see cref="TransformerBlock.forward"/>.</summary>
    /// <param name="x">Input, <c>[B,T,Dim]</c>.</param>
    /// <param name="memory">Memory for cross-attention.</param>
    /// <param name="positions">Positions for rotary embedding.</param>
    /// <param name="padding">Key padding of <paramref name="x"/>.</param>
    /// <param name="bias">Additive self-attention score bias, shared by every layer.</param>
    /// <param name="memoryPadding">Key padding of the memory.</param>
    /// <param name="memoryBias">Additive cross-attention score bias, shared by every layer.</param>
    /// <param name="condition">Conditioning vector for adaLN-zero.</param>
    public Tensor forward(Tensor x, Tensor? memory = null, Tensor? positions = null, Tensor? padding = null, Tensor? bias = null,
        Tensor? memoryPadding = null, Tensor? memoryBias = null, Tensor? condition = null)
    {
        var current = x;
        foreach (var layer in layers)
        {
            var next = layer.forward(current, memory, positions, padding, bias, memoryPadding, memoryBias, condition);
            if (!ReferenceEquals(current, x))
            {
                current.Dispose(); // release each activation as soon as the next exists
            }
            current = next;
        }
        return current;
    }

    /// <summary>Empty on purpose: layers are registered explicitly as 0, 1, ….</summary>
    protected override void RegisterComponents()
    {
    }
}
