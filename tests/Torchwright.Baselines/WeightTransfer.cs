using System.Collections.Generic;
using Torchwright.Models.Gpt;
using static TorchSharp.torch;

namespace Torchwright.Baselines;

/// <summary>Copies a generated <see cref="ByteGpt"/>'s weights into the baselines, by name.</summary>
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

    /// <summary>
    /// A <see cref="BuiltInGpt"/> with the generated model's weights. The native attention stores queries,
    /// keys and values stacked as <c>in_proj_weight [3·D, D]</c>, in the same order as <c>attn.qkv.weight</c>.
    /// </summary>
    public static BuiltInGpt BuiltInTwin(ByteGpt model)
    {
        var config = model.Config;
        var twin = new BuiltInGpt(config.Vocab, config.Context, config.Dim, config.Heads, config.Layers);
        var source = model.state_dict();
        var target = twin.state_dict();
        using var _ = no_grad();
        foreach (var (generated, builtIn) in BuiltInNames(config.Layers))
        {
            target[builtIn].copy_(source[generated]);
        }
        return twin;
    }

    /// <summary>
    /// Every parameter of <see cref="ByteGpt"/> and the parameters of <see cref="HandWrittenGpt"/> it corresponds to:
    /// one, except <c>attn.qkv</c>, which is the query, key and value layers' stacked in that order.
    /// </summary>
    public static IEnumerable<(string Generated, string[] HandWritten)> HandWrittenNames(int layers)
    {
        yield return ("embed.weight", ["wte.weight"]);
        yield return ("positions.weight", ["wpe.weight"]);
        for (var i = 0; i < layers; i++)
        {
            string g(string name) => $"blocks.{i}.{name}";
            string h(string name) => $"h.{i}.{name}";
            yield return (g("norm1.weight"), [h("ln_1.weight")]);
            yield return (g("norm1.bias"), [h("ln_1.bias")]);
            yield return (g("attn.qkv.weight"), [h("q_proj.weight"), h("k_proj.weight"), h("v_proj.weight")]);
            yield return (g("attn.qkv.bias"), [h("q_proj.bias"), h("k_proj.bias"), h("v_proj.bias")]);
            yield return (g("attn.proj.weight"), [h("out_proj.weight")]);
            yield return (g("attn.proj.bias"), [h("out_proj.bias")]);
            yield return (g("norm2.weight"), [h("ln_2.weight")]);
            yield return (g("norm2.bias"), [h("ln_2.bias")]);
            yield return (g("mlp.fc1.weight"), [h("c_fc.weight")]);
            yield return (g("mlp.fc1.bias"), [h("c_fc.bias")]);
            yield return (g("mlp.fc2.weight"), [h("c_proj.weight")]);
            yield return (g("mlp.fc2.bias"), [h("c_proj.bias")]);
        }
        yield return ("norm.weight", ["ln_f.weight"]);
        yield return ("norm.bias", ["ln_f.bias"]);
    }

    /// <summary>Every parameter of <see cref="ByteGpt"/> and its name in <see cref="BuiltInGpt"/>.</summary>
    public static IEnumerable<(string Generated, string BuiltIn)> BuiltInNames(int layers)
    {
        yield return ("embed.weight", "wte.weight");
        yield return ("positions.weight", "wpe.weight");
        for (var i = 0; i < layers; i++)
        {
            string g(string name) => $"blocks.{i}.{name}";
            string b(string name) => $"layers.{i}.{name}";
            yield return (g("norm1.weight"), b("norm1.weight"));
            yield return (g("norm1.bias"), b("norm1.bias"));
            yield return (g("attn.qkv.weight"), b("self_attn.in_proj_weight"));
            yield return (g("attn.qkv.bias"), b("self_attn.in_proj_bias"));
            yield return (g("attn.proj.weight"), b("self_attn.out_proj.weight"));
            yield return (g("attn.proj.bias"), b("self_attn.out_proj.bias"));
            yield return (g("norm2.weight"), b("norm2.weight"));
            yield return (g("norm2.bias"), b("norm2.bias"));
            yield return (g("mlp.fc1.weight"), b("linear1.weight"));
            yield return (g("mlp.fc1.bias"), b("linear1.bias"));
            yield return (g("mlp.fc2.weight"), b("linear2.weight"));
            yield return (g("mlp.fc2.bias"), b("linear2.bias"));
        }
        yield return ("norm.weight", "ln_f.weight");
        yield return ("norm.bias", "ln_f.bias");
    }
}
