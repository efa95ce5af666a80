using System.Collections.Generic;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>
/// Runs the upper encoder and the decoder layer by layer while collecting MrT5's attention-score regulariser,
/// <c>mean(max(S, 5)) − 5</c> per layer, for the encoder layers after the gate and the decoder cross-attention
/// layers. S are the unscaled scores with position bias and padding mask but without the gate, as in the reference.
/// </summary>
/// <remarks>
/// The built-in attention does not hand out its scores, so the query and key projections are recomputed here from
/// each layer's input (and, for cross-attention, the decoder's self-attention sublayer is recomputed to get that
/// input). The layers themselves run through their own forward, so the outputs equal the stacks'.
/// </remarks>
internal sealed class LayerScores(MrT5Config config, Tensor real)
{
    private const double Floor = 5;
    private readonly List<Tensor> excesses = new();
    private readonly Tensor hiddenKeys = real.logical_not().unsqueeze(1).unsqueeze(1); // [B,1,1,T]

    /// <summary>The upper encoder layers; returns their output.</summary>
    public Tensor RunEncoder(TransformerStack stack, Tensor hidden, Tensor positionBias, Tensor keyGate)
    {
        var bias = positionBias + keyGate;
        foreach (var layer in stack.Layers)
        {
            var normed = layer.norm1.forward(hidden);
            var packed = layer.attn.qkv!.forward(normed);
            var width = config.Dim;
            var query = Heads(packed.narrow(-1, 0, width));
            var key = Heads(packed.narrow(-1, width, width));
            Add(query.matmul(key.transpose(-2, -1)) + positionBias);
            hidden = layer.forward(hidden, padding: real, bias: bias);
        }
        return hidden;
    }

    /// <summary>The decoder layers; returns their output.</summary>
    public Tensor RunDecoder(TransformerStack stack, Tensor x, Tensor selfBias, Tensor memory, Tensor keyGate)
    {
        foreach (var layer in stack.Layers)
        {
            var afterSelf = x + layer.attn.forward(layer.norm1.forward(x), bias: selfBias);
            var query = Heads(layer.cross_attn!.q!.forward(layer.cross_norm!.forward(afterSelf)));
            var key = Heads(layer.cross_attn.kv!.forward(memory).narrow(-1, 0, config.Dim));
            Add(query.matmul(key.transpose(-2, -1)));
            x = layer.forward(x, memory, bias: selfBias, memoryPadding: real, memoryBias: keyGate);
        }
        return x;
    }

    /// <summary>The mean over the layers seen.</summary>
    public Tensor Mean() => stack(excesses.ToArray()).mean();

    private void Add(Tensor scores)
    {
        var masked = scores.masked_fill(hiddenKeys, Attention.HiddenScore);
        excesses.Add(masked.clamp_min(Floor).mean() - Floor);
    }

    // [B,T,H·hd] → [B,H,T,hd]
    private Tensor Heads(Tensor flat)
        => flat.view(flat.shape[0], flat.shape[1], config.Heads, config.Dim / config.Heads).transpose(1, 2);
}
