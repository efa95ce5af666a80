using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.FlexTok;

/// <summary>Reconstruction quality with k tokens.</summary>
/// <param name="Tokens">k.</param>
/// <param name="Mse">Mean squared pixel error of the reconstructions.</param>
/// <param name="MeanColourError">Mean squared error of each image's mean colour (per channel): the global content.</param>
public sealed record RateDistortionPoint(int Tokens, double Mse, double MeanColourError);

/// <summary>Measures reconstruction error as a function of the number of tokens.</summary>
public static class RateDistortion
{
    /// <summary>The token counts the reference notes evaluate: 1, 2, 4, 8, 16.</summary>
    public static readonly IReadOnlyList<int> PowersOfTwo = new[] { 1, 2, 4, 8, 16 };

    /// <summary>
    /// Reconstructs <paramref name="images"/> from their first k tokens for each k. Every k starts the sampler from
    /// the same noise (drawn from <paramref name="noiseSeed"/>), so the curves differ only by the tokens.
    /// </summary>
    /// <param name="model">A trained tokenizer, in evaluation mode.</param>
    /// <param name="images">Images, <c>[B, C, H, W]</c>.</param>
    /// <param name="counts">The k to measure, each in 1..Registers.</param>
    /// <param name="steps">Euler steps. Default 8.</param>
    /// <param name="noiseSeed">Seed of the sampler's starting noise. Default 5.</param>
    public static IReadOnlyList<RateDistortionPoint> Measure(FlexTokModel model, Tensor images, IEnumerable<int> counts, int steps = 8, long noiseSeed = 5)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(counts);
        var points = new List<RateDistortionPoint>();
        foreach (var count in counts.Distinct().OrderBy(count => count))
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)noiseSeed);
            var reconstruction = model.Reconstruct(images, count, steps, generator);
            points.Add(Compare(count, images, reconstruction));
        }
        return points;
    }

    /// <summary>Both errors of one set of reconstructions.</summary>
    /// <param name="count">k.</param>
    /// <param name="images">Originals, <c>[B, C, H, W]</c>.</param>
    /// <param name="reconstruction">Reconstructions of the same shape.</param>
    public static RateDistortionPoint Compare(int count, Tensor images, Tensor reconstruction)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(reconstruction);
        if (!images.shape.AsSpan().SequenceEqual(reconstruction.shape))
            throw new ArgumentException($"The reconstruction has shape [{string.Join(",", reconstruction.shape)}] but the images have [{string.Join(",", images.shape)}].", nameof(reconstruction));
        using var scope = NewDisposeScope();
        var mse = nn.functional.mse_loss(reconstruction, images).item<float>();
        var dims = new long[] { 2, 3 };
        var colour = nn.functional.mse_loss(reconstruction.mean(dims), images.mean(dims)).item<float>();
        return new RateDistortionPoint(count, mse, colour);
    }
}
