using System;
using System.Linq;
using Torchwright.Models.MrT5;
using Torchwright.Runtime;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.MrT5;

/// <summary>Soft and hard deletion, the gate's definition, the score regulariser and the forward paths, on untrained models.</summary>
public sealed class MrT5DeletionTests(ITestOutputHelper output)
{
    [Fact]
    public void Soft_masking_matches_hard_deletion_on_the_kept_tokens_when_the_gate_is_decisive()
    {
        using var model = MrT5Fixtures.Model(seed: 11);
        MrT5Fixtures.SaturateGate(model);
        model.eval();
        var batch = MrT5Fixtures.Batch(seed: 5);
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var (softMemory, _, _, gate) = model.encode(batch.Input, hardDelete: false);
        var (hidden, _) = model.encode_lower(batch.Input);
        var (hardMemory, kept, positions) = model.encode_after_gate(hidden, gate);
        var real = batch.Input.ne(ByT5Bytes.Pad);
        var decisive = gate.gt(-1e-5).logical_or(gate.lt(model.Config.GateScale + 1e-3)).all().item<bool>();
        Assert.True(decisive, "precondition: every gate value is 0 or k");
        var rate = Runtime.Deletion.DeletionStatistics.Rate(gate, real, model.Config.DeletionThreshold);
        Assert.InRange(rate, 0.2, 0.8);

        // The soft encoder's outputs at the kept tokens' original positions, in the compacted layout.
        var softKept = softMemory.gather(1, positions.unsqueeze(-1).expand(-1, -1, softMemory.shape[2]));
        var difference = (softKept - hardMemory).abs().masked_select(kept.unsqueeze(-1).expand_as(hardMemory)).max().item<float>();
        output.WriteLine($"deletion rate {rate:P1}, encoder length {batch.Input.shape[1]} → {kept.shape[1]}, max |soft − hard| on kept tokens {difference:E2}");
        Assert.True(difference <= 1e-4, $"kept tokens differ by {difference:E2} between soft and hard deletion");

        var soft = MrT5Objective.CrossEntropy(model.forward(batch.Input, batch.DecoderInput).Logits, batch.Labels).item<float>();
        var hard = MrT5Objective.CrossEntropy(model.forward_hard(batch.Input, batch.DecoderInput).Logits, batch.Labels).item<float>();
        output.WriteLine($"decoder loss soft {soft:F6}, hard {hard:F6}");
        Assert.True(Math.Abs(soft - hard) / soft < 0.02, $"decoder loss soft {soft} vs hard {hard}");
    }

    [Fact]
    public void Hard_deletion_shortens_the_encoder_to_the_longest_kept_row()
    {
        using var model = MrT5Fixtures.Model(seed: 12);
        MrT5Fixtures.SaturateGate(model);
        var batch = MrT5Fixtures.Batch(seed: 6);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (logits, gate, kept) = model.forward_hard(batch.Input, batch.DecoderInput);
        var keptPerRow = gate.gt(model.Config.DeletionThreshold).sum(1).data<long>().ToArray();
        Assert.Equal(keptPerRow.Max(), kept.shape[1]);
        Assert.Equal(keptPerRow, kept.sum(1).data<long>().ToArray());
        Assert.Equal(new[] { batch.Input.shape[0], batch.DecoderInput.shape[1], model.Config.Vocab }, logits.shape);
    }

    [Fact]
    public void Padding_gets_the_gate_scale_and_real_tokens_stay_inside_it()
    {
        using var model = MrT5Fixtures.Model(seed: 13);
        var batch = MrT5Fixtures.Batch(seed: 7);
        using var scope = NewDisposeScope();
        var (_, gate) = model.encode_lower(batch.Input);
        var padding = batch.Input.eq(ByT5Bytes.Pad);
        Assert.True(padding.any().item<bool>(), "precondition: the batch has padding");
        Assert.True(gate.masked_select(padding).eq(model.Config.GateScale).all().item<bool>());
        var realGate = gate.masked_select(padding.logical_not());
        Assert.True(realGate.lt(0).all().item<bool>() && realGate.gt(model.Config.GateScale).all().item<bool>());
    }

    [Fact]
    public void Deleting_the_whole_batch_is_a_clear_error()
    {
        using var model = MrT5Fixtures.Model(seed: 14);
        MrT5Fixtures.SetGateBias(model, -1e4);
        var batch = MrT5Fixtures.Batch(seed: 8);
        var error = Assert.Throws<InvalidOperationException>(() => model.forward_hard(batch.Input, batch.DecoderInput));
        Assert.Contains("every token of the batch", error.Message);
    }

    [Fact]
    public void The_gate_learns_through_soft_deletion()
    {
        using var model = MrT5Fixtures.Model(seed: 15);
        var batch = MrT5Fixtures.Batch(seed: 9);
        var (logits, _) = model.forward(batch.Input, batch.DecoderInput);
        MrT5Objective.CrossEntropy(logits, batch.Labels).backward();
        var gradient = model.named_parameters().Single(p => p.name == "delete_gate.feed_forward.weight").parameter.grad;
        Assert.NotNull(gradient);
        Assert.True(gradient!.abs().sum().item<float>() > 0, "the cross-entropy does not reach the gate");
    }

    [Fact]
    public void Fused_and_reference_paths_agree_soft_and_hard()
    {
        using var model = MrT5Fixtures.Model(seed: 16);
        MrT5Fixtures.SaturateGate(model, scale: 3);
        var batch = MrT5Fixtures.Batch(seed: 10);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var fusedSoft = model.forward(batch.Input, batch.DecoderInput).Logits;
        var fusedHard = model.forward_hard(batch.Input, batch.DecoderInput).Logits;
        model.Path = ForwardPath.Reference;
        TensorAssert.Close(fusedSoft, model.forward(batch.Input, batch.DecoderInput).Logits, 1e-4, "soft logits");
        TensorAssert.Close(fusedHard, model.forward_hard(batch.Input, batch.DecoderInput).Logits, 1e-4, "hard logits");
    }

    [Fact]
    public void The_scored_forward_gives_the_same_logits_and_a_regulariser_that_sees_large_scores()
    {
        using var model = MrT5Fixtures.Model(seed: 17);
        var batch = MrT5Fixtures.Batch(seed: 11);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var plain = model.forward(batch.Input, batch.DecoderInput).Logits;
        var (scored, _, excess) = model.forward_scored(batch.Input, batch.DecoderInput);
        TensorAssert.Close(plain, scored, 1e-5, "scored logits");
        var small = excess.item<float>();
        Assert.True(small >= 0);

        foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.Contains("attn.qkv") || p.name.Contains("attn.q.") || p.name.Contains("attn.kv")))
        {
            parameter.mul_(6);
        }
        var large = model.forward_scored(batch.Input, batch.DecoderInput).ScoreExcess.item<float>();
        output.WriteLine($"score excess {small:E3} at initialisation, {large:E3} with 6× projections");
        Assert.True(large > small + 0.1, $"the regulariser did not grow with the scores ({small} → {large})");
    }

    [Fact]
    public void Greedy_decoding_stops_at_eos_or_the_length_limit()
    {
        const long a = 'a' + 3, b = 'b' + 3; // ByT5 ids of two bytes
        var batch = MrT5Fixtures.Batch(seed: 12, count: 3);

        // Steered to write "a", "b", then eos (k = 2): every row stops right after eos, well inside the limit.
        using (var model = MrT5Fixtures.Model(seed: 18))
        {
            Steer(model, (ByT5Bytes.Pad, a), (a, b), (b, ByT5Bytes.Eos));
            model.eval();
            var rows = MrT5Generation.Greedy(model, batch.Input, maxLength: 7);
            Assert.Equal(3, rows.Count);
            Assert.All(rows, row => Assert.Equal(new[] { a, b, ByT5Bytes.Eos }, row));
        }

        // Steered to repeat "a" and never write eos: every row runs to the limit.
        using (var model = MrT5Fixtures.Model(seed: 18))
        {
            Steer(model, (ByT5Bytes.Pad, a), (a, a));
            model.eval();
            var rows = MrT5Generation.Greedy(model, batch.Input, maxLength: 7);
            Assert.Equal(3, rows.Count);
            Assert.All(rows, row => Assert.Equal(Enumerable.Repeat(a, 7), row));
        }
    }

    /// <summary>
    /// Makes greedy decoding follow the given transitions: the decoder's last input token picks the next one. Each
    /// source token gets a huge embedding along its own axis, so it dominates the decoder's residual stream (the layers
    /// add O(1)), and the target's output row points along that axis.
    /// </summary>
    private static void Steer(MrT5Model model, params (long From, long To)[] transitions)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var embedding = parameters["shared.weight"];
        var head = parameters["lm_head.weight"];
        foreach (var (from, to) in transitions)
        {
            embedding[from].zero_();
            head[to].zero_();
        }
        for (var axis = 0; axis < transitions.Length; axis++)
        {
            var (from, to) = transitions[axis];
            embedding[from, axis].fill_(1e4);
            head[to, axis].fill_(100);
        }
    }

    [Fact]
    public void A_gate_outside_the_encoder_is_refused_with_its_range()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MrT5Config(EncoderLayers: 3, GateLayer: 3));
        Assert.Contains("[1, 2]", error.Message);
    }
}
