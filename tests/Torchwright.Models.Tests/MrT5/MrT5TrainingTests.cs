using System;
using System.Linq;
using Torchwright.Models.MrT5;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.MrT5;

/// <summary>
/// MrT5's behaviour on vowel removal, tiny configuration of architectures.md 2.7: the controller tracks the target
/// deletion rate, hard deletion keeps the quality of a model trained without a gate while shortening the encoder, and
/// the gate prefers the vowels. The two trainings are shared (<see cref="TrainedMrT5"/>).
/// </summary>
[Collection(MrT5TrainingCollection.Name)]
public sealed class MrT5TrainingTests(TrainedMrT5 trained, ITestOutputHelper output)
{
    [Fact]
    public void The_controller_tracks_the_target_deletion_rate_without_collapse()
    {
        var run = trained.Gated;
        var history = run.History;
        var delay = TrainedMrT5.Options.RegularizerDelay;
        var rate = run.Evaluation.DeletionRate;
        var lastSteps = history.TakeLast(50).ToArray();
        output.WriteLine($"trained {history.Count} steps in {run.Time.TotalSeconds:F0} s; held-out deletion rate {rate:F3} (target {TrainedMrT5.Target}), " +
            $"training rate over the last 50 steps {lastSteps.Average(s => s.DeletionRate):F3}, α ∈ [{history.Min(s => s.Alpha):F4}, {history.Max(s => s.Alpha):F4}]");
        foreach (var s in history.Where(s => s.Step % 25 == 0 || s.Step == delay))
        {
            output.WriteLine($"  step {s.Step,3}: cross-entropy {s.CrossEntropy:F3}, deletion rate {s.DeletionRate:F3}, α {s.Alpha:F4}");
        }

        Assert.All(history, s => Assert.True(s.Alpha >= 0, $"α = {s.Alpha} at step {s.Step}"));
        Assert.True(Math.Abs(rate - TrainedMrT5.Target) <= 0.1, $"held-out deletion rate {rate:F3} is more than 0.1 from the target {TrainedMrT5.Target}");
        Assert.All(lastSteps, s => Assert.InRange(s.DeletionRate, 0.05, 0.95));
    }

    [Fact]
    public void Hard_deletion_keeps_the_quality_of_the_model_trained_without_a_gate_on_a_shorter_encoder()
    {
        var gated = trained.Gated.Evaluation;
        var ungated = trained.Ungated.Evaluation;
        var expectedLength = (1 - gated.DeletionRate) * gated.InputLength;
        output.WriteLine($"held-out cross-entropy: gated, hard deletion {gated.HardCrossEntropy:F4} (soft {gated.SoftCrossEntropy:F4}); " +
            $"trained without a gate {ungated.HardCrossEntropy:F4}; ratio {gated.HardCrossEntropy / ungated.HardCrossEntropy:F3}");
        output.WriteLine($"encoder length after the gate: mean {gated.KeptLength:F2} tokens = (1 − {gated.DeletionRate:F3})·{gated.InputLength:F0} = {expectedLength:F2}; " +
            $"batch padded to the longest row, {gated.CompactedLength} of {gated.InputLength:F0}");

        Assert.True(gated.HardCrossEntropy <= 1.10 * ungated.HardCrossEntropy,
            $"hard-deletion loss {gated.HardCrossEntropy:F4} is more than 10% above the ungated model's {ungated.HardCrossEntropy:F4}");
        // Each row's encoder after the gate holds exactly its kept tokens: on average (1 − d)·T. The batch tensor is as
        // long as its longest row, which for 128 rows lies a few tokens above the mean.
        Assert.Equal(expectedLength, gated.KeptLength, 6);
        Assert.True(gated.CompactedLength < gated.InputLength, "hard deletion did not shorten the encoder");
    }

    [Fact]
    public void The_gate_deletes_vowels_more_than_their_share_of_the_input()
    {
        var e = trained.Gated.Evaluation;
        output.WriteLine($"{e.VowelShareOfDeleted:P1} of the deleted positions are vowels; vowels are {e.VowelShareOfInput:P1} of the input; " +
            $"{e.VowelsDeleted:P1} of the vowels are deleted; deletion rate {e.DeletionRate:P1}");
        Assert.True(e.VowelShareOfDeleted > e.VowelShareOfInput, "the gate does not prefer vowels");
    }

    [Fact]
    public void After_training_soft_and_hard_deletion_give_nearly_the_same_decoder_loss()
    {
        var e = trained.Gated.Evaluation;
        var difference = Math.Abs(e.SoftCrossEntropy - e.HardCrossEntropy) / e.SoftCrossEntropy;
        output.WriteLine($"held-out cross-entropy soft {e.SoftCrossEntropy:F4}, hard {e.HardCrossEntropy:F4} ({difference:P2} apart)");
        ReportEncoderDifference(trained.Gated.Model);
        Assert.True(difference < 0.02, $"soft and hard deletion differ by {difference:P2}");
    }

    // For the record: a trained gate is not saturated, so the kept tokens' small negative G still shifts soft
    // attention a little; the untrained-model test with a decisive gate holds the 1e-4 bound.
    private void ReportEncoderDifference(MrT5Model model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        var batch = Seq2SeqBatch.FromText(VowelRemoval.Sample(new Random(31), 16, TrainedMrT5.Settings.Length, TrainedMrT5.Settings.Length));
        var (soft, _, _, gate) = model.encode(batch.Input, hardDelete: false);
        var (hidden, _) = model.encode_lower(batch.Input);
        var (hard, kept, positions) = model.encode_after_gate(hidden, gate);
        var softKept = soft.gather(1, positions.unsqueeze(-1).expand(-1, -1, soft.shape[2]));
        var largest = (softKept - hard).abs().masked_select(kept.unsqueeze(-1).expand_as(hard)).max().item<float>();
        var keptGate = gate.masked_select(gate.gt(model.Config.DeletionThreshold));
        output.WriteLine($"trained model: max |soft − hard| encoder output on kept tokens {largest:E2}; kept tokens' G from {keptGate.min().item<float>():F3} to {keptGate.max().item<float>():F5}");
    }
}
