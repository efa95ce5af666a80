using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Caching;
using Torchwright.Runtime.Capture;
using Torchwright.Runtime.Deletion;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>
/// MrT5's encoder with hard deletion, captured. Deletion makes the length after the gate depend on the data, so the
/// encoder is two captured regions with a short eager step between them:
/// <list type="number">
/// <item>the lower plan, for the example's static <c>[B, T]</c>: embedding, relative position bias and padding mask,
/// the layers before the gate, and the gate;</item>
/// <item>eagerly: keep <c>G &gt; DeletionThreshold</c>, compact the rows, read T' (the one host synchronisation, which
/// picks the smallest bucket of at least T'), and load the kept hidden states, the padding and the position bias at
/// the kept tokens' original positions into that bucket's buffers;</item>
/// <item>the bucket's plan, for <c>[B, bucket]</c>: the layers after the gate and the final norm.</item>
/// </list>
/// Slots past a row's kept tokens are padding keys, as in the eager encoder, so a decoder cross-attending to the
/// bucket's memory with its padding mask computes what it would on the eager T'-long memory.
/// </summary>
public sealed class MrT5EncoderPlans : IDisposable
{
    private readonly LowerPlan lower;
    private readonly UpperPlan[] uppers;
    private readonly RelativePositionBias positionBias;
    private readonly double threshold;

    private MrT5EncoderPlans(LowerPlan lower, UpperPlan[] uppers, RelativePositionBias positionBias, double threshold)
    {
        this.lower = lower;
        this.uppers = uppers;
        this.positionBias = positionBias;
        this.threshold = threshold;
    }

    /// <summary>Captures the lower plan for <paramref name="exampleIds"/>' shape and one upper plan per bucket length.</summary>
    /// <param name="model">The model, in eval mode and fp32; the plans read its weights by reference.</param>
    /// <param name="exampleIds">Encoder ids <c>[B, T]</c> (int64, padded with 0) of the shape every replay will have.</param>
    /// <param name="bucketLengths">Lengths after deletion to capture, each in [1, T].</param>
    public static MrT5EncoderPlans Capture(MrT5Model model, Tensor exampleIds, IEnumerable<long> bucketLengths)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(exampleIds);
        if (exampleIds.Dimensions != 2 || exampleIds.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"MrT5 encoder capture expects int64 ids [B, T], but got [{string.Join(", ", exampleIds.shape)}] {exampleIds.dtype}.", nameof(exampleIds));
        }
        long batch = exampleIds.size(0), length = exampleIds.size(1);
        var lengths = bucketLengths.Distinct().OrderBy(bucket => bucket).ToArray();
        if (lengths.Length == 0 || lengths[0] < 1 || lengths[^1] > length)
        {
            throw new ArgumentException($"Bucket lengths must be at least one, each in [1, {length}], but got [{string.Join(", ", lengths)}].", nameof(bucketLengths));
        }
        using var _ = no_grad();
        var built = new List<CapturePlan>();
        try
        {
            var lowerPlan = new LowerPlan(model, exampleIds);
            built.Add(lowerPlan);
            foreach (var bucket in lengths)
            {
                built.Add(new UpperPlan(model, batch, bucket, exampleIds.device));
            }
            return new MrT5EncoderPlans(lowerPlan, built.OfType<UpperPlan>().ToArray(),
                RegisteredModules.Get<RelativePositionBias>(model, "encoder_position_bias"), model.Config.DeletionThreshold);
        }
        catch
        {
            built.ForEach(plan => plan.Dispose());
            throw;
        }
    }

    /// <summary>The bucket lengths, ascending.</summary>
    public IReadOnlyList<long> Lengths => uppers.Select(plan => plan.Length).ToArray();

    /// <summary>Every plan: the lower one, then one per bucket.</summary>
    public IReadOnlyList<CapturePlan> Plans => uppers.Prepend<CapturePlan>(lower).ToArray();

    /// <summary>Encodes <paramref name="ids"/> with hard deletion through the plans.</summary>
    /// <param name="ids">Encoder ids of the captured shape, dtype and device.</param>
    /// <exception cref="ArgumentException"><paramref name="ids"/> differs from the captured example; nothing was written.</exception>
    /// <exception cref="InvalidOperationException">The gate keeps more tokens than the largest bucket holds, or none at all.</exception>
    public MrT5CapturedEncoding Replay(Tensor ids)
    {
        using var _ = no_grad();
        lower.Replay(ids);
        using var scope = NewDisposeScope();
        var compacted = TokenCompaction.Compact(lower.Gate.gt(threshold));
        var kept = compacted.Length;
        var upper = uppers.FirstOrDefault(plan => plan.Length >= kept) ?? throw new InvalidOperationException(
            $"The gate kept {kept} tokens in a row, more than the largest bucket holds; buckets are [{string.Join(", ", Lengths)}].");
        upper.Load(compacted, lower.Hidden, positionBias);
        return new MrT5CapturedEncoding(upper.Replay(), upper.Real, lower.Gate, kept, upper.Length);
    }

    /// <summary>Disposes every plan.</summary>
    public void Dispose()
    {
        lower.Dispose();
        foreach (var plan in uppers)
        {
            plan.Dispose();
        }
    }

    // Embedding, bias and padding, the layers before the gate, and G = k·σ(−logit) with padding forced to k.
    private sealed class LowerPlan : CapturePlan
    {
        private readonly CaptureInput ids;

        public LowerPlan(MrT5Model model, Tensor example) : base("MrT5Model encoder up to the gate", example.device)
        {
            var config = model.Config;
            long batch = example.size(0), length = example.size(1);
            ids = Input("ids", example);
            var embedded = CaptureLayers.Record(Graph, RegisteredModules.Get<Embedding>(model, "shared"), ids.Buffer);
            var positionBias = CaptureLayers.Record(Graph, RegisteredModules.Get<RelativePositionBias>(model, "encoder_position_bias"), length);
            var padding = Graph.Buffer(ScalarType.Float32, batch, length);
            var paddingMask = Graph.Buffer(ScalarType.Bool, batch, length);
            var keyMask = Graph.Buffer(ScalarType.Float32, batch, 1, 1, length);
            var paddingKeys = Graph.Keep(padding.view(batch, 1, 1, length));
            var scoreBias = Graph.Buffer(ScalarType.Float32, batch, config.Heads, length, length);
            var (pad, hidden, plus) = (Graph.Scalar(ByT5Bytes.Pad), Graph.Scalar(Attention.HiddenScore), Graph.Scalar(1));
            Graph.Add(() =>
            {
                padding.copy_(ids.Buffer);
                padding.eq_(pad);
                paddingMask.copy_(padding);
                keyMask.copy_(paddingKeys);
                keyMask.mul_(hidden);
                scoreBias.copy_(positionBias);
                scoreBias.add_(keyMask, plus);
            });
            Hidden = CaptureLayers.Record(Graph, RegisteredModules.Get<TransformerStack>(model, "encoder_lower"), embedded, scoreBias);

            var gate = Graph.Buffer(ScalarType.Float32, batch, length);
            var scale = Graph.Scalar(config.GateScale);
            if (config.GateEnabled)
            {
                var deleteGate = RegisteredModules.Get<DeleteGate>(model, "delete_gate");
                var normed = CaptureLayers.Record(Graph, RegisteredModules.Get<RmsNorm>(deleteGate, "layer_norm"), Hidden);
                var logits = Graph.Keep(CaptureLayers.Record(Graph, RegisteredModules.Get<Linear>(deleteGate, "feed_forward"), normed).view(batch, length));
                Graph.Add(() =>
                {
                    gate.copy_(logits);
                    gate.neg_();
                    gate.sigmoid_();
                    gate.mul_(scale);
                });
            }
            else
            {
                Graph.Add(() => gate.zero_());
            }
            Graph.Add(() => gate.masked_fill_(paddingMask, scale));
            Seal(gate);
        }

        /// <summary>Hidden states entering the gate layer, <c>[B, T, Dim]</c>.</summary>
        public Tensor Hidden { get; }

        public Tensor Gate => Output;

        public void Replay(Tensor input)
        {
            ids.Check(input);
            ids.Load(input);
            Run();
        }
    }

    // The layers after the gate and the final norm, for one bucket length; the eager step loads its inputs.
    private sealed class UpperPlan : CapturePlan
    {
        private readonly Tensor hidden;
        private readonly Tensor scoreBias;

        public UpperPlan(MrT5Model model, long batch, long length, Device device) : base($"MrT5Model encoder after the gate, bucket {length}", device)
        {
            var config = model.Config;
            Length = length;
            hidden = Graph.Buffer(ScalarType.Float32, batch, length, config.Dim);
            scoreBias = Graph.Buffer(ScalarType.Float32, batch, config.Heads, length, length);
            Real = Graph.Buffer(ScalarType.Bool, batch, length);
            var upper = CaptureLayers.Record(Graph, RegisteredModules.Get<TransformerStack>(model, "encoder_upper"), hidden, scoreBias);
            Seal(CaptureLayers.Record(Graph, RegisteredModules.Get<RmsNorm>(model, "encoder_norm"), upper));
        }

        public long Length { get; }

        /// <summary><c>[B, Length]</c> bool, true for slots that hold a kept token.</summary>
        public Tensor Real { get; }

        // Kept hidden states to the front of each row, zeros after; the bias at the kept tokens' original positions;
        // padded keys hidden. Runs inside the caller's dispose scope.
        public void Load(CompactedTokens compacted, Tensor lowerHidden, RelativePositionBias positionBias)
        {
            var kept = compacted.Length;
            hidden.zero_();
            hidden.narrow(1, 0, kept).copy_(compacted.Gather(lowerHidden));
            Real.zero_();
            Real.narrow(1, 0, kept).copy_(compacted.Padding);
            scoreBias.zero_();
            scoreBias.narrow(2, 0, kept).narrow(3, 0, kept).copy_(positionBias.forward(compacted.Positions));
            scoreBias.add_(Real.logical_not().to(ScalarType.Float32).mul_(Attention.HiddenScore).view(Real.size(0), 1, 1, Length));
        }

        public Tensor Replay() => Run();
    }
}
