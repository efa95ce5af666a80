using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Images;

/// <summary>
/// Cuts images into non-overlapping square patches in row-major order and back:
/// <c>[B, C, H, W] ↔ [B, (H/p)·(W/p), C·p·p]</c>, each patch flattened channel first.
/// </summary>
public static class Patches
{
    /// <summary>Flattens each p×p patch into a vector.</summary>
    /// <param name="images">Images, <c>[B, C, H, W]</c>, H and W multiples of <paramref name="patch"/>.</param>
    /// <param name="patch">Patch side p.</param>
    public static Tensor Patchify(Tensor images, long patch)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (patch < 1) throw new ArgumentOutOfRangeException(nameof(patch), patch, "The patch side must be positive.");
        if (images.dim() != 4 || images.shape[2] % patch != 0 || images.shape[3] % patch != 0)
            throw new ArgumentException($"Expected images [B, C, H, W] with H and W multiples of the patch side {patch}, but got [{string.Join(",", images.shape)}].", nameof(images));
        long batch = images.shape[0], channels = images.shape[1], rows = images.shape[2] / patch, columns = images.shape[3] / patch;
        using var split = images.reshape(batch, channels, rows, patch, columns, patch);
        using var ordered = split.permute(0, 2, 4, 1, 3, 5);
        return ordered.reshape(batch, rows * columns, channels * patch * patch);
    }

    /// <summary>The inverse of <see cref="Patchify"/>.</summary>
    /// <param name="patches">Patch vectors, <c>[B, rows·columns, C·p·p]</c>.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">Image height H.</param>
    /// <param name="width">Image width W.</param>
    /// <param name="patch">Patch side p.</param>
    public static Tensor Unpatchify(Tensor patches, long channels, long height, long width, long patch)
    {
        ArgumentNullException.ThrowIfNull(patches);
        long rows = height / patch, columns = width / patch;
        if (patches.dim() != 3 || patches.shape[1] != rows * columns || patches.shape[2] != channels * patch * patch)
            throw new ArgumentException($"Expected patches [B, {rows * columns}, {channels * patch * patch}] for {channels}×{height}×{width} images with patch side {patch}, but got [{string.Join(",", patches.shape)}].", nameof(patches));
        long batch = patches.shape[0];
        using var split = patches.reshape(batch, rows, columns, channels, patch, patch);
        using var ordered = split.permute(0, 3, 1, 4, 2, 5);
        return ordered.reshape(batch, channels, height, width);
    }
}
