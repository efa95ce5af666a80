using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Platform;

/// <summary>TorchSharp's native library loads on this machine and computes, with no manual step.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void Forward_pass_runs_and_gives_the_known_answer()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, 2, 3, 4, 5, 6 }).view(2, 3);
        var w = tensor(new float[] { 1, 0, -1, 0.5f, 0.5f, 0.5f }).view(2, 3);

        var y = nn.functional.linear(x, w);

        Assert.Equal(new float[] { -2, 3, -2, 7.5f }, y.data<float>().ToArray());
    }

    [Fact]
    public void Scaled_dot_product_attention_is_available()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var q = randn(1, 2, 4, 8);

        var y = nn.functional.scaled_dot_product_attention(q, q, q, null, 0.0, true);

        Assert.Equal(new long[] { 1, 2, 4, 8 }, y.shape);
        // Causal: the first position attends only to itself, so it returns its own value.
        Assert.True(y[0, .., 0].allclose(q[0, .., 0], 1e-5, 1e-6));
    }
}
