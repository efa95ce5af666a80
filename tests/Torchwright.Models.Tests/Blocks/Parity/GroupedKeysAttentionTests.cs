using System;
using System.Linq;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static Torchwright.Tests.AttentionRuns;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>
/// Block-diagonal attention with one query per group (HAT's pooling: each word's query over that word's bytes) runs
/// over the (query, key) pairs of each group only: bit for bit what forcing that kernel gives, and the masked explicit
/// kernel's outputs and gradients. Groups shared by many queries, whose pairs outnumber the masked scores, keep the masked kernel.
/// </summary>
public class GroupedKeysAttentionTests(ITestOutputHelper output)
{
    private const long Batch = 2, Words = 48, Bytes = 240, Dim = 64, ByteDim = 32;

    [Fact]
    public void Short_groups_run_gathered_with_the_masked_kernels_outputs_and_gradients()
    {
        using var scope = NewDisposeScope();
        var (wordGroups, byteWords) = Words_of_one_to_nine_bytes();
        var runs = Run(wordGroups, byteWords, AttentionKernel.Automatic, AttentionKernel.GroupedKeys, AttentionKernel.ExplicitScores);
        Assert.True(runs[0].Output.eq(runs[1].Output).all().item<bool>(), "short groups did not run the gathered kernel");
        Assert.False(runs[1].Output.eq(runs[2].Output).all().item<bool>(), "the masked kernel gave the same bits: the comparison shows nothing");
        string[] names = { "output", "queries' input", "memory", "q.weight", "kv.weight", "proj.weight", "k_norm.weight" };
        for (var j = 0; j < names.Length; j++)
        {
            var gathered = runs[1].Values[j];
            var masked = runs[2].Values[j];
            var difference = (gathered - masked).abs().max().item<float>() / masked.abs().max().item<float>();
            output.WriteLine($"{names[j]}: largest |gathered − masked| / largest |masked| = {difference:G3}");
            Assert.True(difference < 1e-5, $"the gathered {names[j]} differs from the masked kernel's by {difference:G3} of its largest value");
        }
        // The padded word slots (−1) of row 1 see no byte: zero output.
        Assert.Equal(0f, runs[1].Output[1].narrow(0, Words - 3, 3).abs().max().item<float>());
    }

    [Fact]
    public void A_long_word_still_runs_gathered()
    {
        using var scope = NewDisposeScope();
        var byteWords = zeros(Batch, Bytes, ScalarType.Int64);
        byteWords.narrow(1, 200, 40).copy_(arange(1, 41).unsqueeze(0)); // word 0 has 200 bytes, words 1…40 one each, 41…47 none
        var wordGroups = arange(Words).unsqueeze(0).expand(Batch, Words).clone();
        var runs = Run(wordGroups, byteWords, AttentionKernel.Automatic, AttentionKernel.GroupedKeys, AttentionKernel.ExplicitScores);
        Assert.True(runs[0].Output.eq(runs[1].Output).all().item<bool>(), "one query over 200 of 240 keys did not run the gathered kernel");
        var difference = (runs[1].Output - runs[2].Output).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"gathered and masked outputs differ by {difference:G3}");
    }

    [Fact]
    public void Groups_shared_by_many_queries_keep_the_masked_kernel()
    {
        using var scope = NewDisposeScope();
        // Four groups of 12 queries and 60 keys: 2·4·12·60 pairs times head width 16 is 4x the 2·48·240 masked scores.
        var byteWords = arange(Bytes).div(60, rounding_mode: RoundingMode.floor).unsqueeze(0).expand(Batch, Bytes).clone();
        var wordGroups = arange(Words).div(12, rounding_mode: RoundingMode.floor).unsqueeze(0).expand(Batch, Words).clone();
        var runs = Run(wordGroups, byteWords, AttentionKernel.Automatic, AttentionKernel.ExplicitScores, AttentionKernel.GroupedKeys);
        Assert.True(runs[0].Output.eq(runs[1].Output).all().item<bool>(), "groups shared by 12 queries did not keep the masked kernel");
        var difference = (runs[2].Output - runs[1].Output).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"forced gathered and masked outputs differ by {difference:G3}");
    }

    [Fact]
    public void Scores_past_the_exponentials_range_stay_finite()
    {
        using var scope = NewDisposeScope();
        var (wordGroups, byteWords) = Words_of_one_to_nine_bytes();
        manual_seed(27);
        using var block = new Attention(new AttentionOptions { Dim = Dim, Heads = 4, MemoryDim = ByteDim });
        using var _ = no_grad();
        var (x, memory) = Inputs();
        x.mul_(1000); // scores in the thousands: exp overflows fp32 unless each query's largest score is taken off first
        block.kv!.weight!.mul_(10);
        Tensor Forward(AttentionKernel kernel)
        {
            using var choice = AttentionKernelChoice.Use(kernel);
            return block.forward(x, memory, queryGroups: wordGroups, keyGroups: byteWords);
        }
        var queries = block.q!.forward(x).view(Batch, Words, 4, 16);
        var keys = block.kv!.forward(memory).narrow(-1, 0, 64).view(Batch, Bytes, 4, 16);
        var largestScore = einsum("bthd,bshd->bhts", queries, keys).abs().max().item<float>() / 4;
        Assert.True(largestScore > 500, $"the largest score is {largestScore:G3}: exp would not overflow");
        var gathered = Forward(AttentionKernel.GroupedKeys);
        var masked = Forward(AttentionKernel.ExplicitScores);
        Assert.True(gathered.isfinite().all().item<bool>(), "gathered attention overflowed");
        var difference = (gathered - masked).abs().max().item<float>() / masked.abs().max().item<float>();
        Assert.True(difference < 1e-5, $"gathered and masked outputs differ by {difference:G3} of the largest value");
    }

    [Fact]
    public void Bf16_gathered_inference_is_as_close_to_fp32_as_the_masked_kernel()
    {
        using var scope = NewDisposeScope();
        var (wordGroups, byteWords) = Words_of_one_to_nine_bytes();
        manual_seed(21);
        using var block = Pooling();
        using var _ = no_grad();
        var (x, memory) = Inputs();
        var exact = block.forward(x, memory, queryGroups: wordGroups, keyGroups: byteWords);
        Precisions.Apply(block, Precision.BFloat16Mixed);
        Tensor Bf16(AttentionKernel kernel)
        {
            using var choice = AttentionKernelChoice.Use(kernel);
            return block.forward(x, memory, queryGroups: wordGroups, keyGroups: byteWords);
        }
        var gatheredError = RelativeError(Bf16(AttentionKernel.GroupedKeys), exact);
        var maskedError = RelativeError(Bf16(AttentionKernel.ExplicitScores), exact);
        output.WriteLine($"|bf16 − fp32| / |fp32|: gathered {gatheredError:G3}, masked {maskedError:G3}");
        Assert.True(gatheredError <= 1.25 * maskedError, $"bf16 gathered attention is {gatheredError:G3} off fp32 against {maskedError:G3} for the masked kernel");
    }

    // HAT's pooling in small: one query per word, rotated by word position, over its bytes, grouped keys, QK-norm.
    private static Attention Pooling()
    {
        var block = new Attention(new AttentionOptions { Dim = Dim, Heads = 4, KvHeads = 2, MemoryDim = ByteDim, QkNorm = true, Rope = true, Bias = false });
        using var _ = no_grad();
        foreach (var parameter in block.parameters())
        {
            parameter.add_(randn(parameter.shape, generator: new Generator(22)) * 0.3); // norms away from ones
        }
        return block;
    }

    private static (Tensor X, Tensor Memory) Inputs() =>
        (randn(new[] { Batch, Words, Dim }, generator: new Generator(23)), randn(new[] { Batch, Bytes, ByteDim }, generator: new Generator(24)));

    // Row 0: 48 words of 1–9 bytes filling 240 bytes; row 1 the same words shifted, its last three word slots padding (−1).
    private static (Tensor WordGroups, Tensor ByteWords) Words_of_one_to_nine_bytes()
    {
        var random = new Random(25);
        var byteWords = new long[Batch * Bytes];
        for (var row = 0; row < Batch; row++)
        {
            var words = row == 0 ? Words : Words - 3;
            var lengths = Enumerable.Range(0, (int)words).Select(_ => 1 + random.Next(9)).ToArray();
            var at = 0;
            for (var b = 0; b < Bytes; b++)
            {
                // Word w takes its share of the bytes; the lengths only set where the boundaries fall.
                while (at < words - 1 && b >= (lengths.Take(at + 1).Sum() * Bytes) / lengths.Sum())
                {
                    at++;
                }
                byteWords[row * Bytes + b] = at;
            }
        }
        var wordGroups = arange(Words).unsqueeze(0).repeat(Batch, 1);
        wordGroups[1].narrow(0, Words - 3, 3).fill_(-1);
        return (wordGroups, tensor(byteWords, new[] { Batch, Bytes }));
    }

    // For each kernel: the output and, after a backward of sum(output · probe), the gradients of both inputs and of the weights.
    private static (Tensor Output, Tensor[] Values)[] Run(Tensor wordGroups, Tensor byteWords, params AttentionKernel[] kernels)
    {
        manual_seed(21);
        var block = Pooling();
        var (x, memory) = Inputs();
        x.requires_grad_();
        memory.requires_grad_();
        var probe = randn(new[] { Batch, Words, Dim }, generator: new Generator(26));
        var wordPositions = arange(Words);
        return kernels.Select(kernel =>
        {
            using var choice = AttentionKernelChoice.Use(kernel);
            block.zero_grad();
            x.grad?.zero_();
            memory.grad?.zero_();
            var y = block.forward(x, memory, positions: wordPositions, queryGroups: wordGroups, keyGroups: byteWords);
            (y * probe).sum().backward();
            var values = new[] { y.detach().clone(), x.grad!.clone(), memory.grad!.clone(), block.q!.weight!.grad!.clone(),
                block.kv!.weight!.grad!.clone(), block.proj.weight!.grad!.clone(), block.k_norm!.weight!.grad!.clone() };
            return (values[0], values);
        }).ToArray();
    }
}
