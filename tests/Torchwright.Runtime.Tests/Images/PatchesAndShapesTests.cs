using System;
using Torchwright.Runtime.Images;
using Torchwright.Runtime.Losses;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Images;

public class PatchesAndShapesTests
{
    [Fact]
    public void Patchify_orders_patches_row_major_and_round_trips()
    {
        using var scope = NewDisposeScope();
        var images = arange(2 * 3 * 8 * 8, dtype: ScalarType.Float32).view(2, 3, 8, 8);
        var patches = Patches.Patchify(images, 4);
        Assert.Equal(new long[] { 2, 4, 48 }, patches.shape);
        // Patch 1 is the top-right 4×4 block; its first value is channel 0, row 0, column 4.
        Assert.Equal(images[0, 0, 0, 4].item<float>(), patches[0, 1, 0].item<float>());
        Assert.Equal(images[1, 2, 7, 7].item<float>(), patches[1, 3, 47].item<float>());
        Assert.True(Patches.Unpatchify(patches, 3, 8, 8, 4).eq(images).all().item<bool>());
        var error = Assert.Throws<ArgumentException>(() => Patches.Patchify(zeros(1, 3, 6, 8), 4));
        Assert.Contains("[1,3,6,8]", error.Message);
    }

    [Fact]
    public void Synthetic_shapes_are_seeded_and_in_range()
    {
        var shapes = new SyntheticShapes(16);
        using var scope = NewDisposeScope();
        var first = shapes.Sample(8, new Random(1));
        var again = shapes.Sample(8, new Random(1));
        var other = shapes.Sample(8, new Random(2));
        Assert.Equal(new long[] { 8, 3, 16, 16 }, first.shape);
        Assert.True(first.eq(again).all().item<bool>());
        Assert.False(first.eq(other).all().item<bool>());
        Assert.True(first.abs().le(1).all().item<bool>());
        // Every image has a background and at least one shape: at least two colours.
        for (var b = 0; b < 8; b++)
        {
            Assert.True(first[b].flatten(1).unique(dim: 1).Item1.shape[1] >= 2, $"image {b} is a single colour");
        }
    }

    [Fact]
    public void Pixel_latents_are_the_identity()
    {
        using var scope = NewDisposeScope();
        var images = rand(2, 3, 4, 4);
        ILatentSource source = new PixelLatents();
        Assert.True(source.Decode(source.Encode(images)).eq(images).all().item<bool>());
        Assert.Equal(1, source.Downsampling);
    }

    [Fact]
    public void Weighted_cosine_alignment_is_minus_one_when_aligned_and_weights_samples()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        var targets = randn(new long[] { 2, 5, 4 }, generator: generator);
        var aligned = WeightedCosineAlignment.Loss(targets * 3, targets, tensor(new[] { 1f, 1f }));
        Assert.Equal(-1f, aligned.item<float>(), 4);
        var opposite = WeightedCosineAlignment.Loss(-targets, targets, tensor(new[] { 1f, 0f }));
        Assert.Equal(0.5f, opposite.item<float>(), 4); // sample 0 contributes +1, sample 1 is weighted out, mean over 2
        var features = randn(new long[] { 2, 5, 4 }, generator: generator).requires_grad_();
        WeightedCosineAlignment.Loss(features, targets, tensor(new[] { 0f, 1f })).backward();
        Assert.Equal(0f, features.grad![0].abs().max().item<float>());
        Assert.True(features.grad![1].abs().max().item<float>() > 0);
    }
}
