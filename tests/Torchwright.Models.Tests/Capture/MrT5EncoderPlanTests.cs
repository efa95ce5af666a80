using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Models.MrT5;
using Torchwright.Models.Tests.MrT5;
using Torchwright.Runtime.Capture;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// MrT5's hard-deleting encoder as capture plans: the lower plan, the eager compaction and the smallest bucket that
/// holds the kept tokens reproduce the eager encoder and decoder; replays keep their buffers and create no plan
/// tensor; bad inputs and overfull buckets are refused by name. The gate is saturated (G is 0 or k) and its bias set
/// between two tokens' logits, so plan and eager make the same keep decisions, and each batch keeps a chosen share.
/// </summary>
public class MrT5EncoderPlanTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Each_batch_replays_the_smallest_bucket_and_matches_the_eager_encoder_and_decoder()
    {
        using var model = SaturatedModel(41);
        using var _ = no_grad();
        using var example = Ids(40, 32, 32, 32);
        using var plans = MrT5EncoderPlans.Capture(model, example, new long[] { 8, 16, 24, 32 });

        var bucketsSeen = new HashSet<long>();
        foreach (var share in new[] { 0.1, 0.3, 0.5, 0.7, 0.95 })
        {
            using var ids = Ids(400 + (int)(share * 100), 32, 27, 22);
            KeepShare(model, ids, share); // the plans read the gate's bias by reference
            var (memory, padding, _, gate) = model.Encode(ids, hardDelete: true);
            var captured = plans.Replay(ids);
            long kept = memory.size(1);

            Assert.Equal(kept, captured.KeptLength);
            Assert.Equal(plans.Lengths.First(length => length >= kept), captured.BucketLength);
            TensorAssert.Close(gate, captured.Gate, Tolerance, "gate values");
            using var real = captured.Padding.narrow(1, 0, kept);
            Assert.True(padding.eq(real).all().item<bool>(), "the kept slots differ");
            using var beyond = captured.Padding.narrow(1, kept, captured.BucketLength - kept);
            Assert.False(beyond.any().item<bool>(), "a slot past T' is marked as kept");
            using var realRows = padding.unsqueeze(-1).to(ScalarType.Float32);
            using var capturedMemory = captured.Memory.narrow(1, 0, kept);
            TensorAssert.Close(memory * realRows, capturedMemory * realRows, Tolerance, $"memory of the kept tokens, T'={kept}");

            using var decoderInput = DecoderIds(ids.size(0));
            using var eagerLogits = model.ForwardHard(ids, decoderInput).Logits;
            using var noBias = zeros(ids.size(0), 1, 1, captured.BucketLength);
            using var capturedLogits = model.Decode(decoderInput, captured.Memory, captured.Padding, noBias);
            TensorAssert.Close(eagerLogits, capturedLogits, Tolerance, $"decoder logits over the bucket of {captured.BucketLength}");
            bucketsSeen.Add(captured.BucketLength);
            output.WriteLine($"keep share {share}: T'={kept}, bucket {captured.BucketLength}");
        }
        Assert.True(bucketsSeen.Count >= 3, $"the batches fell into only {bucketsSeen.Count} buckets; the test would not show the choice");
    }

    [Fact]
    public void Hundred_replays_keep_every_address_and_leave_no_tensor_behind()
    {
        using var model = SaturatedModel(51);
        using var _ = no_grad();
        var inputs = new[] { Ids(52, 12, 10, 8), Ids(53, 32, 32, 30) };
        KeepShare(model, inputs[1], 0.8); // the short rows keep at most 12 tokens, the long ones over 20
        using var plans = MrT5EncoderPlans.Capture(model, inputs[0], new long[] { 12, 32 });
        plans.Replay(inputs[0]);
        plans.Replay(inputs[1]);
        var addresses = plans.Plans.Select(plan => plan.DataAddresses()).ToArray();
        var steps = plans.Plans.Select(plan => plan.Graph.StepCount).Sum();

        var live = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var buckets = new HashSet<long>();
        for (var i = 0; i < 100; i++)
        {
            buckets.Add(plans.Replay(inputs[i % 2]).BucketLength);
        }
        var liveAfter = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // The plans alone create nothing: the tensors of a call are the eager compaction's, all released.
        var before = TensorCensus.CreatedOnThisThread;
        foreach (var plan in plans.Plans)
        {
            plan.Graph.Run();
        }
        var planTensors = TensorCensus.CreatedOnThisThread - before;
        output.WriteLine($"{plans.Plans.Count} plans, {steps} steps; buckets used {string.Join(", ", buckets)}; live tensors {live} → {liveAfter}");
        Assert.Equal(new long[] { 12, 32 }, buckets.OrderBy(b => b).ToArray());
        Assert.Equal(live, liveAfter);
        Assert.Equal(0, planTensors);
        Assert.Equal(addresses, plans.Plans.Select(plan => plan.DataAddresses()).ToArray());
    }

    [Fact]
    public void Replay_refuses_another_shape_and_a_gate_that_keeps_more_than_the_largest_bucket()
    {
        using var model = SaturatedModel(61);
        using var _ = no_grad();
        using var ids = Ids(62, 32, 32, 32);
        KeepShare(model, ids, 0.9);
        using var plans = MrT5EncoderPlans.Capture(model, ids, new long[] { 4, 8 });

        var overfull = Assert.Throws<InvalidOperationException>(() => plans.Replay(ids));
        output.WriteLine(overfull.Message);
        Assert.Contains("buckets are [4, 8]", overfull.Message);

        using var shorter = ids.narrow(1, 0, 16).contiguous();
        var wrongShape = Assert.Throws<ArgumentException>(() => plans.Replay(shorter));
        output.WriteLine(wrongShape.Message);
        Assert.Contains("input 'ids' is [3, 16]", wrongShape.Message);
        Assert.Contains("[3, 32]", wrongShape.Message);

        var badBucket = Assert.Throws<ArgumentException>(() => MrT5EncoderPlans.Capture(model, ids, new long[] { 8, 40 }));
        Assert.Contains("each in [1, 32]", badBucket.Message);
    }

    // The gate decides by the sign of w·RMSNorm(h) with |logit| ~1e4: G is 0 (kept) or k (deleted), never near the threshold.
    private static MrT5Model SaturatedModel(long seed)
    {
        var model = MrT5Fixtures.Model(seed);
        MrT5Fixtures.SaturateGate(model);
        model.eval();
        return model;
    }

    // Rows of 32 byte ids (lowercase letters and spaces), each real for its given length and padded after it.
    private static Tensor Ids(int seed, params int[] lengths)
    {
        var random = new Random(seed);
        var ids = new long[lengths.Length * 32];
        for (var row = 0; row < lengths.Length; row++)
        {
            for (var t = 0; t < lengths[row]; t++)
            {
                ids[row * 32 + t] = ByT5Bytes.Offset + (random.Next(0, 6) == 0 ? ' ' : 'a' + random.Next(0, 26));
            }
        }
        return tensor(ids, new long[] { lengths.Length, 32 });
    }

    // Sets the gate's bias halfway between two real tokens' logits, so that about `share` of them have a positive
    // logit (G = 0: kept) and every logit stays far from zero.
    private static void KeepShare(MrT5Model model, Tensor ids, double share)
    {
        MrT5Fixtures.SetGateBias(model, 0);
        var (hidden, _) = model.EncodeLower(ids);
        var gate = model.named_children().Select(child => child.module).OfType<DeleteGate>().Single();
        using var logits = gate.Forward(hidden).squeeze(-1);
        using var real = ids.ne(ByT5Bytes.Pad);
        var sorted = logits.masked_select(real).data<float>().ToArray().OrderBy(value => value).ToArray();
        var cut = Math.Clamp((int)Math.Round((1 - share) * sorted.Length), 1, sorted.Length - 1);
        MrT5Fixtures.SetGateBias(model, -(sorted[cut - 1] + sorted[cut]) / 2);
        hidden.Dispose();
    }

    private static Tensor DecoderIds(long batch)
        => tensor(Enumerable.Range(0, (int)batch * 5).Select(i => (long)(3 + 97 + i % 26)).ToArray(), new long[] { batch, 5 });
}
