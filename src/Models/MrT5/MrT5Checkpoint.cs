using System.Collections.Generic;
using Torchwright.Runtime.Checkpoints;
using Torchwright.Runtime.Checkpoints.Mapping;

namespace Torchwright.Models.MrT5;

/// <summary>
/// Saves and loads <see cref="MrT5Model"/> under Hugging Face's T5/MrT5 parameter names
/// (<c>encoder.block.0.layer.0.SelfAttention.q.weight</c>, <c>encoder.block.{l}.delete_gate.feed_forward.weight</c>,
/// <c>decoder.block.0.layer.1.EncDecAttention.k.weight</c>, <c>shared.weight</c>, <c>lm_head.weight</c>, …), so that a
/// converted MrT5 or ByT5 checkpoint loads. Fused tensors are split on save and joined on load: self-attention
/// <c>qkv</c> ↔ <c>q</c>, <c>k</c>, <c>v</c>; cross-attention <c>kv</c> ↔ <c>k</c>, <c>v</c>; gated <c>fc1</c> ↔
/// <c>wi_0</c> (the GELU gate), <c>wi_1</c>. The encoder's two stacks become one <c>encoder.block.N</c> list.
/// </summary>
public static class MrT5Checkpoint
{
    /// <summary>Writes the model under the T5 names.</summary>
    /// <param name="model">The model to save.</param>
    /// <param name="path">The safetensors file to create or replace.</param>
    /// <param name="metadata">Optional string metadata.</param>
    public static void Save(MrT5Model model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        System.ArgumentNullException.ThrowIfNull(model);
        MappedCheckpoint.Save(model, path, KeyMap(model.Config), metadata);
    }

    /// <summary>Loads a checkpoint stored under the T5 names; the tied <c>encoder/decoder.embed_tokens.weight</c> copies are skipped.</summary>
    /// <param name="model">The model that receives the values.</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="strict">Refuse missing and unexpected keys (default).</param>
    /// <returns>What was skipped.</returns>
    public static CheckpointLoadResult Load(MrT5Model model, string path, bool strict = true)
    {
        System.ArgumentNullException.ThrowIfNull(model);
        return MappedCheckpoint.Load(model, path, KeyMap(model.Config), strict);
    }

    /// <summary>The mapping between this framework's names and T5's for a model of <paramref name="config"/>.</summary>
    /// <param name="config">The model's configuration (the gate layer sets the encoder's numbering).</param>
    public static CheckpointKeyMap KeyMap(MrT5Config config)
    {
        System.ArgumentNullException.ThrowIfNull(config);
        var map = new CheckpointKeyMap()
            .Rename("encoder_position_bias.weight", "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
            .Rename("decoder_position_bias.weight", "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
            .Rename("encoder_norm.weight", "encoder.final_layer_norm.weight")
            .Rename("decoder_norm.weight", "decoder.final_layer_norm.weight")
            .Rename("delete_gate.layer_norm.weight", $"encoder.block.{config.GateLayer}.delete_gate.layer_norm.weight")
            .Rename("delete_gate.feed_forward.weight", $"encoder.block.{config.GateLayer}.delete_gate.feed_forward.weight")
            .Rename("delete_gate.feed_forward.bias", $"encoder.block.{config.GateLayer}.delete_gate.feed_forward.bias")
            .IgnoreInFile("encoder.embed_tokens.weight")
            .IgnoreInFile("decoder.embed_tokens.weight");
        EncoderLayers(map, "encoder_lower", "{i}");
        EncoderLayers(map, "encoder_upper", $"{{i+{config.GateLayer}}}");

        const string decoder = "decoder.block.{i}.layer";
        return map
            .Rename("decoder.{i}.norm1.weight", $"{decoder}.0.layer_norm.weight")
            .Split("decoder.{i}.attn.qkv.weight", $"{decoder}.0.SelfAttention.q.weight", $"{decoder}.0.SelfAttention.k.weight", $"{decoder}.0.SelfAttention.v.weight")
            .Rename("decoder.{i}.attn.proj.weight", $"{decoder}.0.SelfAttention.o.weight")
            .Rename("decoder.{i}.cross_norm.weight", $"{decoder}.1.layer_norm.weight")
            .Rename("decoder.{i}.cross_attn.q.weight", $"{decoder}.1.EncDecAttention.q.weight")
            .Split("decoder.{i}.cross_attn.kv.weight", $"{decoder}.1.EncDecAttention.k.weight", $"{decoder}.1.EncDecAttention.v.weight")
            .Rename("decoder.{i}.cross_attn.proj.weight", $"{decoder}.1.EncDecAttention.o.weight")
            .Rename("decoder.{i}.norm2.weight", $"{decoder}.2.layer_norm.weight")
            .Split("decoder.{i}.mlp.fc1.weight", $"{decoder}.2.DenseReluDense.wi_0.weight", $"{decoder}.2.DenseReluDense.wi_1.weight")
            .Rename("decoder.{i}.mlp.fc2.weight", $"{decoder}.2.DenseReluDense.wo.weight");
    }

    // One encoder stack's layers, numbered from 'index' (a placeholder, shifted for the stack after the gate).
    private static void EncoderLayers(CheckpointKeyMap map, string stack, string index)
    {
        var t5 = $"encoder.block.{index}.layer";
        map.Rename($"{stack}.{{i}}.norm1.weight", $"{t5}.0.layer_norm.weight")
            .Split($"{stack}.{{i}}.attn.qkv.weight", $"{t5}.0.SelfAttention.q.weight", $"{t5}.0.SelfAttention.k.weight", $"{t5}.0.SelfAttention.v.weight")
            .Rename($"{stack}.{{i}}.attn.proj.weight", $"{t5}.0.SelfAttention.o.weight")
            .Rename($"{stack}.{{i}}.norm2.weight", $"{t5}.1.layer_norm.weight")
            .Split($"{stack}.{{i}}.mlp.fc1.weight", $"{t5}.1.DenseReluDense.wi_0.weight", $"{t5}.1.DenseReluDense.wi_1.weight")
            .Rename($"{stack}.{{i}}.mlp.fc2.weight", $"{t5}.1.DenseReluDense.wo.weight");
    }
}
