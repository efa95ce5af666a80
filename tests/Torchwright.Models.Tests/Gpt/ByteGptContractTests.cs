using System;
using System.Linq;
using Torchwright.Models.Gpt;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>What the generator promises besides the maths: names, guards, scopes, counts.</summary>
public class ByteGptContractTests
{
    private static ByteGpt Small() => new(new ByteGptConfig(Context: 16, Dim: 32, Heads: 2, Layers: 2));

    [Fact]
    public void Parameters_have_stable_pytorch_style_names()
    {
        using var model = Small();

        var names = model.state_dict().Keys.ToArray();

        Assert.Equal(new[]
        {
            "embed.weight", "positions.weight",
            "blocks.0.norm1.weight", "blocks.0.norm1.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
            "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", "blocks.0.norm2.weight", "blocks.0.norm2.bias",
            "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc1.bias", "blocks.0.mlp.fc2.weight", "blocks.0.mlp.fc2.bias",
        }, names.Take(14));
        Assert.Equal(new[] { "norm.weight", "norm.bias" }, names.TakeLast(2));
        Assert.DoesNotContain("head.weight", names); // tied: stored once, under the embedding
    }

    [Fact]
    public void Parameter_count_counts_tied_weights_once()
    {
        using var model = Small();
        // embed 256*32 + positions 16*32 + per layer (2 norms 4*32, qkv 32*96+96, proj 32*32+32, fc1 32*128+128, fc2 128*32+32) + final norm 2*32
        const long perLayer = 4 * 32 + (32 * 96 + 96) + (32 * 32 + 32) + (32 * 128 + 128) + (128 * 32 + 32);
        const long expected = 256 * 32 + 16 * 32 + 2 * perLayer + 2 * 32;

        Assert.Equal(expected, model.ParameterCount);
        Assert.Contains("blocks.1.mlp.fc2.weight", model.Summary());
        Assert.Contains(expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), model.Summary());
    }

    [Fact]
    public void Wrong_rank_names_argument_expected_and_actual_shape()
    {
        using var model = Small();
        using var ids = zeros(2, 3, 4, dtype: ScalarType.Int64);

        var error = Assert.Throws<ArgumentException>(() => model.forward(ids));

        Assert.Equal("bytes", error.ParamName);
        Assert.Contains("ByteGpt.forward: argument 'bytes' has shape [2,3,4] with 3 dimension(s), expected [B,T] with 2", error.Message);
    }

    [Fact]
    public void Forward_leaves_only_its_result_alive()
    {
        using var model = Small();
        using var ids = zeros(2, 8, dtype: ScalarType.Int64);
        model.forward(ids).Dispose(); // warm-up: caches are built once
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (var logits = model.forward(ids))
        {
            Assert.Equal(new long[] { 2, 8, 256 }, logits.shape);
            Assert.Equal(before + 1, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Too_long_input_gets_a_clear_error()
    {
        using var model = Small();
        using var ids = zeros(1, 17, dtype: ScalarType.Int64);

        var error = Assert.Throws<ArgumentException>(() => model.forward(ids));

        Assert.Contains("covers 16 positions, but the input has 17", error.Message);
    }
}
