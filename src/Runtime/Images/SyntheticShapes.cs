using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Images;

/// <summary>
/// Tiny synthetic images for tests and demos: a coloured background with one to three coloured rectangles or discs,
/// RGB in [−1, 1], drawn in managed code from a <see cref="Random"/> so a seed fixes every image.
/// </summary>
/// <param name="Size">Side of the square images. Default 16.</param>
/// <param name="MaxShapes">Most shapes per image (at least one is drawn). Default 3.</param>
public sealed record SyntheticShapes(int Size = 16, int MaxShapes = 3)
{
    /// <summary>Draws a batch of images.</summary>
    /// <param name="batch">Number of images.</param>
    /// <param name="random">Random source.</param>
    /// <returns><c>[batch, 3, Size, Size]</c>, float32.</returns>
    public Tensor Sample(int batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must hold at least one image.");
        if (Size < 4) throw new InvalidOperationException($"Images must be at least 4 pixels wide, not {Size}.");
        var plane = Size * Size;
        var pixels = new float[batch * 3 * plane];
        for (var b = 0; b < batch; b++)
        {
            var image = pixels.AsSpan(b * 3 * plane, 3 * plane);
            Fill(image, Colour(random), _ => true);
            var shapes = random.Next(1, MaxShapes + 1);
            for (var s = 0; s < shapes; s++)
            {
                Fill(image, Colour(random), random.Next(2) == 0 ? Rectangle(random) : Disc(random));
            }
        }
        return tensor(pixels, new long[] { batch, 3, Size, Size });
    }

    private Func<(int Row, int Column), bool> Rectangle(Random random)
    {
        int top = random.Next(Size - 2), left = random.Next(Size - 2);
        int bottom = random.Next(top + 2, Size + 1), right = random.Next(left + 2, Size + 1);
        return pixel => pixel.Row >= top && pixel.Row < bottom && pixel.Column >= left && pixel.Column < right;
    }

    private Func<(int Row, int Column), bool> Disc(Random random)
    {
        var radius = 1.5 + random.NextDouble() * Size / 4.0;
        double row = random.NextDouble() * Size, column = random.NextDouble() * Size;
        return pixel => Square(pixel.Row + 0.5 - row) + Square(pixel.Column + 0.5 - column) <= radius * radius;
    }

    private void Fill(Span<float> image, float[] colour, Func<(int Row, int Column), bool> inside)
    {
        var plane = Size * Size;
        for (var row = 0; row < Size; row++)
        {
            for (var column = 0; column < Size; column++)
            {
                if (!inside((row, column))) continue;
                for (var channel = 0; channel < 3; channel++)
                {
                    image[channel * plane + row * Size + column] = colour[channel];
                }
            }
        }
    }

    private static float[] Colour(Random random)
        => new[] { (float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1) };

    private static double Square(double x) => x * x;
}
