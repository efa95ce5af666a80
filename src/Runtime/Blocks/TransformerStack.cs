using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// <c>depth</c> pre-norm transformer layers applied in turn, stored as <c>0.*</c>, <c>1.*</c>, … like a
/// PyTorch <c>ModuleList</c>. The output projections start scaled by 1/√(2·depth), as in GPT-2, so that
/// the residual stream's variance does not grow with depth.
/// </summary>
public sealed class TransformerStack : Block
{
    private readonly List<TransformerBlock> layers = new();

    /// <summary>Creates the stack.</summary>
    /// <param name="depth">Number of layers.</param>
    /// <param name="dim">Model width.</param>
    /// <param name="heads">Number of attention heads.</param>
    /// <param name="causal">Whether attention is causal.</param>
    /// <param name="mlpHidden">Hidden width of the feed-forward layers; 4·dim when null.</param>
    public TransformerStack(long depth, long dim, long heads, bool causal = false, long? mlpHidden = null) : base(nameof(TransformerStack))
    {
        BlockChecks.Positive(nameof(depth), depth);
        var residualScale = 1 / Math.Sqrt(2 * depth);
        for (var i = 0; i < depth; i++)
        {
            var layer = AddChild(i.ToString(System.Globalization.CultureInfo.InvariantCulture), new TransformerBlock(dim, heads, causal, mlpHidden));
            using (no_grad())
            {
                layer.attn.proj.weight.mul_(residualScale);
                layer.mlp.fc2.weight.mul_(residualScale);
            }
            layers.Add(layer);
        }
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<TransformerBlock> Layers => layers;

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input) => Run(input);

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input) => Run(input);

    // Each layer follows its own path; intermediate activations are released as soon as the next exists.
    private Tensor Run(Tensor input)
    {
        var current = input;
        foreach (var layer in layers)
        {
            var next = layer.forward(current);
            if (!ReferenceEquals(current, input))
            {
                current.Dispose();
            }
            current = next;
        }
        return ReferenceEquals(current, input) ? input.alias() : current;
    }
}
