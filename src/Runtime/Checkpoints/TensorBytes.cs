using System;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>Spans over a tensor's element storage, so file I/O copies straight to and from native memory.</summary>
internal static class TensorBytes
{
    internal delegate void SpanAction(Span<byte> bytes);

    // Tensor.bytes is an int-sized span; stay far below that so huge tensors go in pieces.
    private const long ChunkBytes = 64L << 20;

    /// <summary>
    /// Calls <paramref name="action"/> on consecutive spans that cover the tensor's bytes in row-major order.
    /// The tensor must be on the CPU and contiguous.
    /// </summary>
    public static void ForEachChunk(torch.Tensor tensor, SpanAction action)
    {
        // The format is little-endian and we copy raw bytes.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors I/O is implemented for little-endian machines only.");
        }

        long count = tensor.numel();
        long elementSize = tensor.element_size();
        if (count == 0)
        {
            return;
        }
        if (count * elementSize <= ChunkBytes)
        {
            action(tensor.bytes);
            return;
        }

        using var flat = tensor.flatten();
        long perChunk = ChunkBytes / elementSize;
        for (long start = 0; start < count; start += perChunk)
        {
            using var piece = flat.narrow(0, start, Math.Min(perChunk, count - start));
            action(piece.bytes);
        }
    }
}
