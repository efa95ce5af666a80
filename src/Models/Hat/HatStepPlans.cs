using System;
using System.Collections.Generic;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Caching;
using Torchwright.Runtime.Capture;
using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>
/// HAT's generation steps captured with static shapes, one plan per level: the per-byte encoder step, the per-word
/// backbone step and the per-byte decoder step (with the final norm and the byte head), each a
/// <see cref="CachedStepPlan"/> over a key/value cache of fixed capacity. A <see cref="HatSession"/> made with these
/// plans runs every position through them; the glue between the levels (the byte's embedding, pooling a finished
/// word, its injection) stays eager and small. The plans serve one session at a time and are reset when one starts.
/// </summary>
public sealed class HatStepPlans : IHatSteps, IDisposable
{
    private readonly Embedding embedding;
    private readonly CachedStepPlan encoder;
    private readonly CachedStepPlan backbone;
    private readonly CachedStepPlan decoder;

    /// <summary>Captures the three steps for one sequence of at most <paramref name="bytes"/> bytes and <paramref name="words"/> words.</summary>
    /// <param name="model">The model, in eval mode and fp32; the plans read its weights by reference.</param>
    /// <param name="bytes">Byte positions the encoder and decoder caches hold.</param>
    /// <param name="words">Word positions the backbone cache holds.</param>
    public HatStepPlans(HatModel model, long bytes, long words)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        embedding = RegisteredModules.Get<Embedding>(model, "embed");
        var device = embedding.weight.device;
        var norm = RegisteredModules.Get<RmsNorm>(model, "layer_norm");
        var head = RegisteredModules.Get<Linear>(model, "lm_head");
        var built = new List<CachedStepPlan>();
        try
        {
            using var _ = no_grad();
            built.Add(encoder = new CachedStepPlan(RegisteredModules.Get<TransformerStack>(model, "encoder"), 1, bytes, device, "HAT encoder step"));
            built.Add(backbone = new CachedStepPlan(RegisteredModules.Get<TransformerStack>(model, "backbone"), 1, words, device, "HAT backbone step"));
            built.Add(decoder = new CachedStepPlan(RegisteredModules.Get<TransformerStack>(model, "decoder"), 1, bytes, device, "HAT decoder step",
                (graph, output) => CaptureLayers.Record(graph, head, CaptureLayers.Record(graph, norm, output))));
        }
        catch
        {
            built.ForEach(plan => plan.Dispose());
            throw;
        }
    }

    /// <summary>The model the plans were captured from.</summary>
    public HatModel Model { get; }

    /// <summary>The encoder, backbone and decoder plans.</summary>
    public IReadOnlyList<CachedStepPlan> Plans => new[] { encoder, backbone, decoder };

    long IHatSteps.DecoderLength => decoder.Length;

    bool IHatSteps.HasRoom(long bytes, long words, out string full)
    {
        // The decoder re-steps a late-recognised word's bytes, but never holds more positions than the encoder.
        full = encoder.Length + bytes > encoder.Capacity ? $"{bytes} more bytes needed, but the byte caches hold {encoder.Capacity} positions and {encoder.Length} are used"
            : backbone.Length + words > backbone.Capacity ? $"{words} more words needed, but the word cache holds {backbone.Capacity} words and {backbone.Length} are used"
            : "";
        return full.Length == 0;
    }

    /// <summary>Forgets every position: the next session starts from empty caches.</summary>
    public void Reset()
    {
        encoder.Truncate(0);
        backbone.Truncate(0);
        decoder.Truncate(0);
    }

    void IHatSteps.TruncateDecoder(long length) => decoder.Truncate(length);

    Tensor IHatSteps.Encode(Tensor bytes, long start)
    {
        Expect(encoder, start);
        using var embedded = embedding.forward(bytes);
        return StepEach(encoder, embedded);
    }

    Tensor IHatSteps.Backbone(Tensor words, long start)
    {
        Expect(backbone, start);
        return StepEach(backbone, words);
    }

    Tensor IHatSteps.Decode(Tensor states, Tensor injection, long start)
    {
        Expect(decoder, start);
        using var inputs = states + injection;
        return StepEach(decoder, inputs);
    }

    /// <summary>Disposes the three plans.</summary>
    public void Dispose()
    {
        encoder.Dispose();
        backbone.Dispose();
        decoder.Dispose();
    }

    // Steps the plan once per position of [1, n, ·] inputs and gathers the outputs (copies: the plan's buffer is reused).
    private static Tensor StepEach(CachedStepPlan plan, Tensor inputs)
    {
        var count = inputs.shape[1];
        var outputs = new Tensor[count];
        for (var i = 0; i < count; i++)
        {
            using var position = inputs.narrow(1, i, 1);
            outputs[i] = plan.Step(position).clone();
        }
        if (count == 1)
        {
            return outputs[0];
        }
        var joined = cat(outputs, 1);
        foreach (var output in outputs)
        {
            output.Dispose();
        }
        return joined;
    }

    // The session and the plan must agree on where the sequence stands.
    private static void Expect(CachedStepPlan plan, long start)
    {
        if (plan.Length != start)
        {
            throw new InvalidOperationException($"{plan.Owner}: the session is at position {start}, but the plan holds {plan.Length}.");
        }
    }
}
