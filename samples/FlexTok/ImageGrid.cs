using System.Collections.Generic;
using System.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace Torchwright.Samples.FlexTokSample;

/// <summary>Writes rows of images side by side as one PNG, each pixel enlarged to a square block.</summary>
internal static class ImageGrid
{
    /// <summary>Saves the grid: column c shows <paramref name="columns"/>[c] (images <c>[B, 3, H, W]</c> in [−1, 1]), row b image b.</summary>
    public static string Save(string path, IReadOnlyList<Tensor> columns, int scale = 8, int gap = 4)
    {
        long rows = columns[0].shape[0], height = columns[0].shape[2], width = columns[0].shape[3];
        int cell = (int)width * scale + gap, line = (int)height * scale + gap;
        using var bitmap = new SKBitmap(columns.Count * cell + gap, (int)rows * line + gap);
        bitmap.Erase(SKColors.White);
        for (var c = 0; c < columns.Count; c++)
        {
            using var pixels = columns[c].clamp(-1, 1).add(1).mul(127.5).round().to(ScalarType.Byte);
            var values = pixels.data<byte>().ToArray();
            for (var b = 0; b < rows; b++)
            for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                long At(int channel) => ((b * 3 + channel) * height + y) * width + x;
                var colour = new SKColor(values[At(0)], values[At(1)], values[At(2)]);
                for (var dy = 0; dy < scale; dy++)
                for (var dx = 0; dx < scale; dx++)
                {
                    bitmap.SetPixel(gap + c * cell + (int)x * scale + dx, gap + b * line + (int)y * scale + dy, colour);
                }
            }
        }
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(full);
        data.SaveTo(file);
        return full;
    }
}
