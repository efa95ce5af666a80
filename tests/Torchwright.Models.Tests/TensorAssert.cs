using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests;

internal static class TensorAssert
{
    /// <summary>Fails with the largest difference when two tensors differ by more than <paramref name="atol"/>.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var difference = (expected - actual).abs().max();
        var largest = difference.item<float>();
        Assert.True(largest <= atol, $"{what}: largest difference {largest:G4} exceeds {atol:G4}");
    }
}
