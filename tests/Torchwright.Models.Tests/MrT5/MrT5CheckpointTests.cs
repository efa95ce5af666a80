using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Torchwright.Models.MrT5;
using Torchwright.Runtime.Checkpoints;
using Torchwright.Runtime.Checkpoints.Mapping;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.MrT5;

/// <summary>MrT5's state saved under Hugging Face's T5 names (fused tensors split) and loaded back.</summary>
public sealed class MrT5CheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("torchwright-mrt5-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Round_trip_through_the_T5_names_restores_every_tensor_and_the_outputs()
    {
        using var original = MrT5Fixtures.Model(seed: 21);
        using var restored = MrT5Fixtures.Model(seed: 22);
        var path = Path.Combine(folder, "mrt5.safetensors");

        MrT5Checkpoint.Save(original, path);
        var names = SafeTensors.ReadHeader(path).Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(ExpectedT5Names(MrT5Fixtures.Small).OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));

        var result = MrT5Checkpoint.Load(restored, path);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        var restoredState = restored.state_dict();
        foreach (var (key, value) in original.state_dict())
        {
            Assert.True(value.equal(restoredState[key]).all().item<bool>(), $"{key} differs after the round trip");
        }
        var batch = MrT5Fixtures.Batch(seed: 3);
        using var _ = no_grad();
        Assert.True(original.forward(batch.Input, batch.DecoderInput).Logits.equal(restored.forward(batch.Input, batch.DecoderInput).Logits).all().item<bool>());
    }

    [Fact]
    public void Fused_tensors_are_split_into_the_T5_parts_in_order()
    {
        using var model = MrT5Fixtures.Model(seed: 23);
        var path = Path.Combine(folder, "parts.safetensors");
        MrT5Checkpoint.Save(model, path);
        var file = SafeTensors.Load(path);
        var state = model.state_dict();
        long dim = MrT5Fixtures.Small.Dim, hidden = MrT5Fixtures.Small.FeedForward;

        // The stack after the gate continues T5's numbering: encoder_upper.0 is encoder.block.1.
        var qkv = state["encoder_upper.0.attn.qkv.weight"];
        Assert.True(file["encoder.block.1.layer.0.SelfAttention.q.weight"].equal(qkv.narrow(0, 0, dim)).all().item<bool>());
        Assert.True(file["encoder.block.1.layer.0.SelfAttention.k.weight"].equal(qkv.narrow(0, dim, dim)).all().item<bool>());
        Assert.True(file["encoder.block.1.layer.0.SelfAttention.v.weight"].equal(qkv.narrow(0, 2 * dim, dim)).all().item<bool>());
        // Gated feed-forward: the GELU gate is wi_0, the linear part wi_1.
        var fc1 = state["decoder.1.mlp.fc1.weight"];
        Assert.True(file["decoder.block.1.layer.2.DenseReluDense.wi_0.weight"].equal(fc1.narrow(0, 0, hidden)).all().item<bool>());
        Assert.True(file["decoder.block.1.layer.2.DenseReluDense.wi_1.weight"].equal(fc1.narrow(0, hidden, hidden)).all().item<bool>());
        var kv = state["decoder.0.cross_attn.kv.weight"];
        Assert.True(file["decoder.block.0.layer.1.EncDecAttention.v.weight"].equal(kv.narrow(0, dim, dim)).all().item<bool>());
        foreach (var tensor in file.Values)
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void Tied_embedding_copies_in_a_T5_file_are_skipped_and_a_missing_part_is_refused_unchanged()
    {
        using var model = MrT5Fixtures.Model(seed: 24);
        var path = Path.Combine(folder, "hf.safetensors");
        MrT5Checkpoint.Save(model, path);
        var file = SafeTensors.Load(path);

        // Hugging Face files may carry the shared table again under each stack's embed_tokens.
        var withCopies = file.Select(p => (p.Key, p.Value)).Append(("encoder.embed_tokens.weight", file["shared.weight"]))
            .Append(("decoder.embed_tokens.weight", file["shared.weight"])).ToList();
        var hfPath = Path.Combine(folder, "with-copies.safetensors");
        SafeTensors.Save(hfPath, withCopies);
        using var other = MrT5Fixtures.Model(seed: 25);
        Assert.Empty(MrT5Checkpoint.Load(other, hfPath).UnexpectedKeys);

        var missingPart = file.Where(p => p.Key != "encoder.block.2.layer.1.DenseReluDense.wi_1.weight").Select(p => (p.Key, p.Value)).ToList();
        var brokenPath = Path.Combine(folder, "broken.safetensors");
        SafeTensors.Save(brokenPath, missingPart);
        using var target = MrT5Fixtures.Model(seed: 26);
        var before = target.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var error = Assert.Throws<CheckpointMismatchException>(() => MrT5Checkpoint.Load(target, brokenPath));
        Assert.Contains("encoder.block.2.layer.1.DenseReluDense.wi_1.weight", error.Message);
        Assert.Contains("encoder_upper.1.mlp.fc1.weight", error.MissingKeys);
        foreach (var (key, value) in target.state_dict())
        {
            Assert.True(before[key].equal(value).all().item<bool>(), $"{key} changed although the load was refused");
        }
        foreach (var tensor in file.Values)
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void The_key_map_renumbers_transposes_and_refuses_splits_as_a_key_function()
    {
        var map = new CheckpointKeyMap()
            .Rename("upper.{i}.w", "block.{i+3}.w", transpose: true)
            .Split("upper.{i}.qkv", "block.{i+3}.q", "block.{i+3}.k", "block.{i+3}.v");
        Assert.Equal(new[] { "block.5.w" }, map.Resolve("upper.2.w").FileKeys);
        Assert.True(map.Resolve("upper.2.w").Transpose);
        Assert.Equal(new[] { "block.3.q", "block.3.k", "block.3.v" }, map.Resolve("upper.0.qkv").FileKeys);
        Assert.Equal(new[] { "other.bias" }, map.Resolve("other.bias").FileKeys);
        Assert.Throws<InvalidOperationException>(() => map.AsKeyFunction()("upper.0.qkv"));
        Assert.Throws<ArgumentException>(() => new CheckpointKeyMap().Rename("a.{i}", "b.{j}"));
    }

    [Fact]
    public void Transposed_tensors_and_uneven_splits_along_other_dimensions_round_trip()
    {
        var map = new CheckpointKeyMap()
            .Rename("lm_head.weight", "head.kernel", transpose: true)
            .Split("shared.weight", new[] { "table.left", "table.right" }, dim: 1, sizes: new long[] { 24, 8 });
        using var original = MrT5Fixtures.Model(seed: 27);
        using var restored = MrT5Fixtures.Model(seed: 28);
        var path = Path.Combine(folder, "general.safetensors");

        MappedCheckpoint.Save(original, path, map);
        var header = SafeTensors.ReadHeader(path);
        Assert.True(header.TryGetEntry("head.kernel", out var kernel));
        Assert.Equal(new long[] { 32, 384 }, kernel!.Shape);
        Assert.True(header.TryGetEntry("table.right", out var right));
        Assert.Equal(new long[] { 384, 8 }, right!.Shape);
        Assert.True(header.TryGetEntry("encoder_upper.0.attn.qkv.weight", out _), "unmapped keys keep their names");

        MappedCheckpoint.Load(restored, path, map);
        var restoredState = restored.state_dict();
        foreach (var (key, value) in original.state_dict())
        {
            Assert.True(value.equal(restoredState[key]).all().item<bool>(), $"{key} differs after the round trip");
        }
    }

    // Every name a Hugging Face MrT5 checkpoint of this size holds (without the tied embed_tokens copies).
    private static IEnumerable<string> ExpectedT5Names(MrT5Config config)
    {
        yield return "shared.weight";
        yield return "lm_head.weight";
        yield return "encoder.final_layer_norm.weight";
        yield return "decoder.final_layer_norm.weight";
        yield return "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
        yield return "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
        foreach (var part in new[] { "layer_norm.weight", "feed_forward.weight", "feed_forward.bias" })
        {
            yield return $"encoder.block.{config.GateLayer}.delete_gate.{part}";
        }
        for (var i = 0; i < config.EncoderLayers; i++)
        {
            foreach (var name in Attention($"encoder.block.{i}.layer.0", "SelfAttention").Concat(FeedForward($"encoder.block.{i}.layer.1")))
            {
                yield return name;
            }
        }
        for (var i = 0; i < config.DecoderLayers; i++)
        {
            var names = Attention($"decoder.block.{i}.layer.0", "SelfAttention")
                .Concat(Attention($"decoder.block.{i}.layer.1", "EncDecAttention"))
                .Concat(FeedForward($"decoder.block.{i}.layer.2"));
            foreach (var name in names)
            {
                yield return name;
            }
        }
    }

    private static IEnumerable<string> Attention(string prefix, string kind)
        => new[] { "q", "k", "v", "o" }.Select(p => $"{prefix}.{kind}.{p}.weight").Append($"{prefix}.layer_norm.weight");

    private static IEnumerable<string> FeedForward(string prefix)
        => new[] { "wi_0", "wi_1", "wo" }.Select(p => $"{prefix}.DenseReluDense.{p}.weight").Append($"{prefix}.layer_norm.weight");
}
