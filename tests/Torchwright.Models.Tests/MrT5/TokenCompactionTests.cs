using System;
using System.Linq;
using Torchwright.Runtime.Deletion;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.MrT5;

/// <summary>Hard deletion's compaction: kept tokens packed in order, original positions, new padding, errors.</summary>
public sealed class TokenCompactionTests
{
    [Fact]
    public void Kept_tokens_move_to_the_front_in_order_with_their_original_positions()
    {
        using var keep = tensor(new[] { true, false, true, true, false, false, true, false }, new long[] { 2, 4 });
        var compacted = TokenCompaction.Compact(keep);

        Assert.Equal(3, compacted.Length);
        Assert.Equal(new long[] { 0, 2, 3, 2, 0, 0 }, compacted.Positions.data<long>().ToArray());
        Assert.Equal(new[] { true, true, true, true, false, false }, compacted.Padding.data<bool>().ToArray());
        Assert.Equal(new long[] { 3, 1 }, compacted.Lengths.data<long>().ToArray());

        using var values = arange(8 * 2, ScalarType.Float32).view(2, 4, 2);
        using var gathered = compacted.Gather(values);
        Assert.Equal(new long[] { 2, 3, 2 }, gathered.shape);
        Assert.Equal(new float[] { 0, 1, 4, 5, 6, 7, 12, 13 }, gathered.data<float>().Take(8).ToArray());
    }

    [Fact]
    public void A_row_may_lose_everything_but_not_the_whole_batch()
    {
        using var oneRowEmpty = tensor(new[] { false, false, true, false }, new long[] { 2, 2 });
        var compacted = TokenCompaction.Compact(oneRowEmpty);
        Assert.Equal(new[] { false, true }, compacted.Padding.data<bool>().ToArray());

        using var nothing = zeros(new long[] { 2, 3 }, ScalarType.Bool);
        var error = Assert.Throws<InvalidOperationException>(() => TokenCompaction.Compact(nothing));
        Assert.Contains("every token of the batch", error.Message);
    }

    [Fact]
    public void A_mask_that_is_not_bool_is_refused_by_name()
    {
        using var ints = ones(2, 3, ScalarType.Int64);
        var error = Assert.Throws<ArgumentException>(() => TokenCompaction.Compact(ints));
        Assert.Contains("[B, T] bool", error.Message);
    }

    [Fact]
    public void The_pi_controller_raises_its_output_while_below_target_and_never_goes_negative()
    {
        var controller = new PiController(proportionalGain: 0.5, integralGain: 0.01);
        var outputs = Enumerable.Range(0, 50).Select(_ => controller.Update(0.4, 0.1)).ToArray();
        Assert.All(outputs.Zip(outputs.Skip(1)), pair => Assert.True(pair.Second > pair.First));
        // P approaches k_p·e = 0.15; I grows by k_i·e = 0.003 per step.
        Assert.Equal(0.15 * (1 - Math.Pow(0.9, 50)) + 50 * 0.003, outputs[^1], 9);

        var overshoot = Enumerable.Range(0, 200).Select(_ => controller.Update(0.4, 0.9)).ToArray();
        Assert.All(overshoot, value => Assert.True(value >= 0));
        Assert.Equal(0, overshoot[^1]);
    }

    [Fact]
    public void The_deletion_rate_counts_real_tokens_only()
    {
        using var gate = tensor(new float[] { -30, -1, -20, -30, -30, -30 }, new long[] { 2, 3 });
        using var real = tensor(new[] { true, true, true, true, false, false }, new long[] { 2, 3 });
        Assert.Equal(3.0 / 4, DeletionStatistics.Rate(gate, real, -15));
    }
}
