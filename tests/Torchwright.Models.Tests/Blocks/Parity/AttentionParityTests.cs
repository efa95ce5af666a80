using System;
using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>Every attention option against attention written from its definition: outputs and gradients.</summary>
public class AttentionParityTests
{
    private const long B = 2, T = 6, S = 5, D = 16;

    private static Tensor Input(long seed, params long[] shape) => randn(shape, generator: new Generator((ulong)seed));

    private static void Check(AttentionOptions options, Tensor[] inputs, System.Func<Attention, Tensor[], Tensor> call,
        System.Func<AttentionOptions, System.Collections.Generic.IReadOnlyDictionary<string, Tensor>, Tensor[], Tensor> independent)
    {
        manual_seed(7);
        using var block = new Attention(options);
        ParityCheck.Verify(block, inputs, i => call(block, i), (w, i) => independent(options, w, i));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Self_attention_causal_or_bidirectional(bool causal)
        => Check(new AttentionOptions { Dim = D, Heads = 4, Causal = causal }, new[] { Input(1, B, T, D) },
            (a, i) => a.forward(i[0]), (o, w, i) => IndependentAttention.Run(o, w, i[0]));

    // Heads 12 wide see 20 keys: the kernels scale the queries, not the scores, by 1/√12, which no power of two rounds exactly.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Queries_scaled_instead_of_scores_when_keys_outnumber_the_head_width(bool causal)
        => Check(new AttentionOptions { Dim = 24, Heads = 2, Causal = causal }, new[] { Input(11, B, 20, 24) },
            (a, i) => a.forward(i[0]), (o, w, i) => IndependentAttention.Run(o, w, i[0]));

    [Fact]
    public void Key_padding_hides_padded_keys()
    {
        var padding = tensor(new[] { true, true, true, true, false, false, true, true, true, true, true, true }).view(B, T);
        Check(new AttentionOptions { Dim = D, Heads = 2 }, new[] { Input(2, B, T, D), padding },
            (a, i) => a.forward(i[0], padding: i[1]), (o, w, i) => IndependentAttention.Run(o, w, i[0], padding: i[1]));
    }

    [Fact]
    public void Prefix_causal_patches_see_patches_registers_see_earlier_registers()
        => Check(new AttentionOptions { Dim = D, Heads = 2, Prefix = 4 }, new[] { Input(3, B, T, D) },
            (a, i) => a.forward(i[0]), (o, w, i) => IndependentAttention.Run(o, w, i[0]));

    [Fact]
    public void Causal_sliding_window_with_grouped_keys_and_padding()
    {
        var padding = tensor(new[] { true, true, true, true, true, true, false, true, true, true, true, true }).view(B, T);
        Check(new AttentionOptions { Dim = D, Heads = 4, KvHeads = 2, Causal = true, Window = 3 }, new[] { Input(8, B, T, D), padding },
            (a, i) => a.forward(i[0], padding: i[1]), (o, w, i) => IndependentAttention.Run(o, w, i[0], padding: i[1]));
    }

    [Fact]
    public void Causal_sliding_window_alone()
        => Check(new AttentionOptions { Dim = D, Heads = 2, Causal = true, Window = 2 }, new[] { Input(9, B, T, D) },
            (a, i) => a.forward(i[0]), (o, w, i) => IndependentAttention.Run(o, w, i[0]));

    [Fact]
    public void Sliding_window_longer_than_the_sequence()
        => Check(new AttentionOptions { Dim = D, Heads = 2, Causal = true, Window = 10 }, new[] { Input(10, B, T, D) },
            (a, i) => a.forward(i[0]), (o, w, i) => IndependentAttention.Run(o, w, i[0]));

    [Fact]
    public void A_sliding_window_without_causal_attention_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Attention(new AttentionOptions { Dim = D, Heads = 2, Window = 3 }));
        Assert.Contains("sliding window of 3 needs causal self-attention", error.Message);
    }

    [Fact]
    public void Block_diagonal_groups_with_causal_mask()
    {
        var groups = tensor(new long[] { 0, 0, 1, 1, 1, 2, 0, 1, 1, 2, 2, 2 }).view(B, T);
        Check(new AttentionOptions { Dim = D, Heads = 2, Causal = true }, new[] { Input(4, B, T, D), groups },
            (a, i) => a.forward(i[0], queryGroups: i[1], keyGroups: i[1]), (o, w, i) => IndependentAttention.Run(o, w, i[0], queryGroups: i[1], keyGroups: i[1]));
    }

    [Fact]
    public void T5_style_unscaled_softmax1_with_additive_bias_and_padding()
    {
        var padding = tensor(new[] { true, true, true, true, true, false, true, true, true, false, false, false }).view(B, T);
        Check(new AttentionOptions { Dim = D, Heads = 4, Scaled = false, Softmax1 = true, Bias = false },
            new[] { Input(5, B, T, D), Input(6, B, 4, T, T), padding },
            (a, i) => a.forward(i[0], bias: i[1], padding: i[2]), (o, w, i) => IndependentAttention.Run(o, w, i[0], bias: i[1], padding: i[2]));
    }

    [Fact]
    public void Softmax1_causal_without_other_masks()
        => Check(new AttentionOptions { Dim = D, Heads = 2, Softmax1 = true, Causal = true }, new[] { Input(7, B, T, D) },
            (a, i) => a.forward(i[0]), (o, w, i) => IndependentAttention.Run(o, w, i[0]));

    [Fact]
    public void Per_key_bias_broadcast_like_a_deletion_gate()
        => Check(new AttentionOptions { Dim = D, Heads = 2, Scaled = false }, new[] { Input(8, B, T, D), Input(9, B, 1, 1, T) * 5 },
            (a, i) => a.forward(i[0], bias: i[1]), (o, w, i) => IndependentAttention.Run(o, w, i[0], bias: i[1]));

    [Fact]
    public void Grouped_query_heads_with_qk_norm()
        => Check(new AttentionOptions { Dim = D, Heads = 4, KvHeads = 2, QkNorm = true, Causal = true }, new[] { Input(10, B, T, D) },
            (a, i) => a.forward(i[0]), (o, w, i) => IndependentAttention.Run(o, w, i[0]));

    [Fact]
    public void Rotary_positions_by_explicit_ids()
    {
        var positions = tensor(new long[] { 3, 4, 5, 9, 10, 11, 0, 1, 2, 3, 4, 5 }).view(B, T);
        Check(new AttentionOptions { Dim = D, Heads = 2, Rope = true, Causal = true }, new[] { Input(11, B, T, D), positions },
            (a, i) => a.forward(i[0], positions: i[1]), (o, w, i) => IndependentAttention.Run(o, w, i[0], positions: i[1]));
    }

    [Fact]
    public void Cross_attention_word_queries_to_byte_keys_with_rope_and_groups()
    {
        // HAT's pooling: one query per word, keys are bytes, a word sees only its bytes; word positions vs byte positions.
        var wordPositions = tensor(new long[] { 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5 }).view(B, T);
        var bytePositions = tensor(new long[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4 }).view(B, S);
        var wordOfQuery = tensor(new long[] { 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5 }).view(B, T);
        var wordOfByte = tensor(new long[] { 0, 0, 1, 2, 2, 0, 1, 1, 1, 2 }).view(B, S);
        var options = new AttentionOptions { Dim = D, Heads = 2, MemoryDim = 12, Rope = true };
        Check(options, new[] { Input(12, B, T, D), Input(13, B, S, 12), wordPositions, bytePositions, wordOfQuery, wordOfByte },
            (a, i) => a.forward(i[0], i[1], positions: i[2], keyPositions: i[3], queryGroups: i[4], keyGroups: i[5]),
            (o, w, i) => IndependentAttention.Run(o, w, i[0], i[1], positions: i[2], keyPositions: i[3], queryGroups: i[4], keyGroups: i[5]));
    }

    [Fact]
    public void Block_diagonal_cross_attention_with_scattered_groups_shared_keys_qk_norm_padding_and_blind_queries()
    {
        // Groups need not be runs; a word whose bytes are all padded (query 1 of row 0), a group with no bytes (7) and a
        // padded word slot (−1) see nothing and give zeros.
        var queryGroups = tensor(new long[] { 2, 0, 1, 7, -1, 2, 0, 1, 1, 2, 2, -1 }).view(B, T);
        var keyGroups = tensor(new long[] { 1, 0, 2, 1, 0, 2, 0, 2, 1, 1 }).view(B, S);
        var padding = tensor(new[] { true, false, true, true, false, true, true, true, false, true }).view(B, S);
        var bytePositions = tensor(new long[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4 }).view(B, S);
        var options = new AttentionOptions { Dim = D, Heads = 4, KvHeads = 2, MemoryDim = 12, QkNorm = true, Rope = true, Scaled = false };
        Check(options, new[] { Input(17, B, T, D), Input(18, B, S, 12), bytePositions, padding, queryGroups, keyGroups },
            (a, i) => a.forward(i[0], i[1], keyPositions: i[2], padding: i[3], queryGroups: i[4], keyGroups: i[5]),
            (o, w, i) => IndependentAttention.Run(o, w, i[0], i[1], keyPositions: i[2], padding: i[3], queryGroups: i[4], keyGroups: i[5]));
    }

    [Fact]
    public void Block_diagonal_self_attention_groups_shared_by_every_row()
    {
        var groups = tensor(new long[] { 0, 1, 0, 1, 2, 2 }).view(1, T);
        Check(new AttentionOptions { Dim = D, Heads = 2 }, new[] { Input(19, B, T, D), groups },
            (a, i) => a.forward(i[0], queryGroups: i[1], keyGroups: i[1]),
            (o, w, i) => IndependentAttention.Run(o, w, i[0], queryGroups: i[1].expand(B, T), keyGroups: i[1].expand(B, T)));
    }

    [Fact]
    public void Cross_attention_with_memory_padding_and_bias()
    {
        var padding = tensor(new[] { true, true, true, false, false, true, true, true, true, true }).view(B, S);
        Check(new AttentionOptions { Dim = D, Heads = 2, MemoryDim = D, Scaled = false, Softmax1 = true },
            new[] { Input(14, B, T, D), Input(15, B, S, D), padding, Input(16, B, 1, 1, S) },
            (a, i) => a.forward(i[0], i[1], padding: i[2], bias: i[3]), (o, w, i) => IndependentAttention.Run(o, w, i[0], i[1], padding: i[2], bias: i[3]));
    }
}
