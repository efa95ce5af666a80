using System;
using static TorchSharp.torch;

namespace Torchwright.Models.FlexTok;

/// <summary>
/// A tiny frozen feature extractor standing in for DINOv2 in ReTok's semantic regularisation: a fixed random
/// two-layer map of each clean patch and its mean colour, <c>tanh(x·W₁)·W₂</c>, drawn from its own seed. It has no
/// trainable parameters and no gradient flows into it.
/// </summary>
public sealed class RandomFeatureTeacher : IDisposable
{
    private readonly Tensor first;
    private readonly Tensor second;

    /// <summary>Draws the teacher's weights.</summary>
    /// <param name="inputDim">Values per patch.</param>
    /// <param name="outputDim">Feature width.</param>
    /// <param name="seed">Seed of the weights.</param>
    public RandomFeatureTeacher(long inputDim, long outputDim, long seed = 97)
    {
        if (inputDim < 1 || outputDim < 1)
            throw new ArgumentOutOfRangeException(nameof(inputDim), $"The teacher needs positive widths, not {inputDim} → {outputDim}.");
        using var generator = new Generator((ulong)seed);
        var hidden = 4 * outputDim;
        first = randn(new[] { inputDim, hidden }, generator: generator).div_(Math.Sqrt(inputDim));
        second = randn(new[] { hidden, outputDim }, generator: generator).div_(Math.Sqrt(hidden));
        InputDim = inputDim;
    }

    /// <summary>Values per patch it reads.</summary>
    public long InputDim { get; }

    /// <summary>Features of each patch.</summary>
    /// <param name="patches">Clean patches, <c>[B, P, InputDim]</c>.</param>
    /// <returns><c>[B, P, outputDim]</c>, detached.</returns>
    public Tensor Features(Tensor patches)
    {
        ArgumentNullException.ThrowIfNull(patches);
        if (patches.dim() != 3 || patches.shape[2] != InputDim)
            throw new ArgumentException($"The teacher reads patches [B, P, {InputDim}], but got [{string.Join(",", patches.shape)}].", nameof(patches));
        using var noGrad = no_grad();
        using var hidden = patches.matmul(first.to(patches.device)).tanh_();
        return hidden.matmul(second.to(patches.device));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }
}
