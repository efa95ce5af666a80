using System;
using TorchSharp;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>
/// fp32 products without gradients run on oneDNN's matmul: batched ones (attention's causal query blocks) match
/// <c>bmm</c>'s for contiguous, transposed and strided operands, products that record gradients or are too small keep
/// <c>matmul</c>, repeated calls give the same bits; and products written into buffers (capture plans) give
/// β·output + α·(left @ right), plain or batched, and are refused for operands oneDNN would copy first.
/// </summary>
public class OneDnnMatmulTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Layouts => new() { "contiguous", "right transposed", "strided views" };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Products_without_gradients_match_bmm_and_do_not_run_it(string layout)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(31);
        // Attention's weighted sum: 8 heads, a block of 256 queries over 384 keys, head width 64. (Over an inner width of
        // 64, as in its scores, oneDNN and MKL happen to add in the same order and give the same bits.)
        var (left, right) = layout switch
        {
            "contiguous" => (randn(new long[] { 8, 256, 384 }, generator: generator), randn(new long[] { 8, 384, 64 }, generator: generator)),
            "right transposed" => (randn(new long[] { 8, 256, 384 }, generator: generator), randn(new long[] { 8, 64, 384 }, generator: generator).transpose(1, 2)),
            _ => (randn(new long[] { 8, 512, 512 }, generator: generator).narrow(1, 128, 256).narrow(2, 0, 384),
                  randn(new long[] { 8, 512, 192 }, generator: generator).narrow(1, 0, 384).narrow(2, 64, 64)),
        };
        var expected = left.bmm(right);
        var actual = OneDnnMatmul.Multiply(left, right);
        var again = OneDnnMatmul.Multiply(left, right);
        var error = Relative(expected, actual);
        output.WriteLine($"{layout}: relative difference from bmm {error:G3}");
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(error < Tolerance, $"oneDNN's product differs from bmm by {error:G3}");
        Assert.True(OneDnnMatmul.Available, "this test runs where libtorch exports oneDNN's matmul (Linux x64)");
        Assert.False(expected.eq(actual).all().item<bool>(), "the product gave bmm's bits exactly: oneDNN did not run");
        Assert.True(actual.eq(again).all().item<bool>(), "two calls gave different bits");
    }

    [Fact]
    public void Products_that_record_gradients_or_are_small_keep_matmul()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(32);
        var left = randn(new long[] { 8, 256, 384 }, generator: generator).requires_grad_();
        var right = randn(new long[] { 8, 384, 64 }, generator: generator);
        var recorded = OneDnnMatmul.Multiply(left, right);
        Assert.True(recorded.requires_grad);
        Assert.True(recorded.eq(left.matmul(right)).all().item<bool>(), "a product recording gradients did not run matmul");

        using var _ = no_grad();
        var small = randn(new long[] { 2, 16, 16 }, generator: generator);
        Assert.True(OneDnnMatmul.Multiply(small, small).eq(small.matmul(small)).all().item<bool>(), "a tiny product did not run matmul");
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(1f, 1f)]
    [InlineData(1f, 0.125f)]
    public void Products_into_buffers_scale_and_accumulate_as_asked(float beta, float alpha)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(33);
        // A linear layer's shape (the weight read transposed as it lies) and attention's scores (keys transposed).
        var cases = new (Tensor Left, Tensor Right)[]
        {
            (randn(new long[] { 1024, 256 }, generator: generator), randn(new long[] { 768, 256 }, generator: generator).t()),
            (randn(new long[] { 32, 128, 64 }, generator: generator), randn(new long[] { 32, 128, 64 }, generator: generator).transpose(1, 2)),
        };
        foreach (var (left, right) in cases)
        {
            var shape = left.dim() == 3 ? new[] { left.shape[0], left.shape[1], right.shape[2] } : new[] { left.shape[0], right.shape[1] };
            var start = randn(shape, generator: generator);
            var expected = start * beta + left.matmul(right) * alpha;
            var buffer = start.clone();
            Assert.True(OneDnnMatmul.TrustedInto(buffer, left, right, beta, alpha), $"[{string.Join(", ", left.shape)}] @ [{string.Join(", ", right.shape)}] was refused");
            OneDnnMatmul.Into(buffer, left, right, beta, alpha);
            var error = Relative(expected, buffer);
            output.WriteLine($"[{string.Join(", ", left.shape)}] @ [{string.Join(", ", right.shape)}], β {beta}, α {alpha}: relative difference {error:G3}");
            Assert.True(error < Tolerance, $"β·output + α·product differs by {error:G3}");
        }
    }

    [Fact]
    public void Buffers_oneDnn_would_copy_first_are_refused()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(34);
        var strided = randn(new long[] { 1024, 512 }, generator: generator).narrow(1, 0, 256);
        var weight = randn(new long[] { 256, 768 }, generator: generator);
        Assert.False(OneDnnMatmul.TrustedInto(empty(1024, 768), strided, weight, 0, 1), "a strided operand was taken");
        Assert.False(OneDnnMatmul.TrustedInto(empty(768, 1024).t(), strided.contiguous(), weight, 0, 1), "a transposed output was taken");
    }

    private static double Relative(Tensor expected, Tensor actual) =>
        (expected - actual).abs().max().item<float>() / Math.Max(expected.abs().max().item<float>(), 1e-12f);
}
