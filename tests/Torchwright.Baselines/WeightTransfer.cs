using Torchwright.Models.Gpt;
using static TorchSharp.torch;

namespace Torchwright.Baselines;

/// <summary>Copies a generated <see cref="ByteGpt"/>'s weights into a <see cref="HandWrittenGpt"/>, by name.</summary>
public static class WeightTransfer
{
    public static HandWrittenGpt HandWrittenTwin(ByteGpt model)
    {
        var config = model.Config;
        var twin = new HandWrittenGpt(config.Vocab, config.Context, config.Dim, config.Heads, config.Layers);
        var source = model.state_dict();
        using var _ = no_grad();
        twin.TokenEmbedding.weight!.copy_(source["embed.weight"]);
        twin.PositionEmbedding.weight!.copy_(source["positions.weight"]);
        for (var i = 0; i < config.Layers; i++)
        {
            var block = twin.Blocks[i];
            var prefix = $"blocks.{i}.";
            block.Norm1.weight!.copy_(source[prefix + "norm1.weight"]);
            block.Norm1.bias!.copy_(source[prefix + "norm1.bias"]);
            var qkvWeight = source[prefix + "attn.qkv.weight"].chunk(3, 0);
            var qkvBias = source[prefix + "attn.qkv.bias"].chunk(3, 0);
            block.Query.weight!.copy_(qkvWeight[0]);
            block.Key.weight!.copy_(qkvWeight[1]);
            block.Value.weight!.copy_(qkvWeight[2]);
            block.Query.bias!.copy_(qkvBias[0]);
            block.Key.bias!.copy_(qkvBias[1]);
            block.Value.bias!.copy_(qkvBias[2]);
            block.Output.weight!.copy_(source[prefix + "attn.proj.weight"]);
            block.Output.bias!.copy_(source[prefix + "attn.proj.bias"]);
            block.Norm2.weight!.copy_(source[prefix + "norm2.weight"]);
            block.Norm2.bias!.copy_(source[prefix + "norm2.bias"]);
            block.Up.weight!.copy_(source[prefix + "mlp.fc1.weight"]);
            block.Up.bias!.copy_(source[prefix + "mlp.fc1.bias"]);
            block.Down.weight!.copy_(source[prefix + "mlp.fc2.weight"]);
            block.Down.bias!.copy_(source[prefix + "mlp.fc2.bias"]);
        }
        twin.FinalNorm.weight!.copy_(source["norm.weight"]);
        twin.FinalNorm.bias!.copy_(source["norm.bias"]);
        return twin;
    }
}
