using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>
/// Where the explicit kernel stops: without gradients below 32 MB of fp32 scores (at exactly 32 MB — B=2, H=4, T=1024,
/// the HAT benchmark's byte GPT — causal query blocks on oneDNN ran 1.3x faster), with gradients up to 32 MB inclusive
/// (the alternative's CPU backward is slow).
/// </summary>
public class ExplicitScoresLimitTests
{
    private static readonly AttentionOptions CausalOptions = new() { Dim = 256, Heads = 4, Causal = true };

    [Theory]
    [InlineData(1024L, false, false)] // 2·4·1024·1024 scores: 32 MB exactly
    [InlineData(1024L, true, true)]
    [InlineData(1023L, false, true)] // just under
    [InlineData(1023L, true, true)]
    public void Scores_of_exactly_32_MB_take_explicit_scores_only_with_gradients(long length, bool gradients, bool explicitScores)
    {
        using var scope = NewDisposeScope();
        var query = empty(2, 4, length, 64).requires_grad_(gradients);
        var (key, value) = (empty(2, 4, length, 64), empty(2, 4, length, 64));

        Assert.Equal(explicitScores, AttentionKernels.PrefersExplicit(query, key, value));
        // Plain causal fp32 attention that does not take explicit scores takes causal query blocks.
        Assert.Equal(!explicitScores, AttentionKernels.PrefersChunked(CausalOptions, query, key, value, plainCausal: true));
    }
}
