using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Reads and writes tensors in the safetensors format: an 8-byte little-endian header length,
/// a UTF-8 JSON header describing each tensor, then the raw little-endian row-major data.
/// Files are validated strictly before any tensor data is allocated.
/// </summary>
public static class SafeTensors
{
    /// <summary>Reads and validates the header of a safetensors file without reading tensor data.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The entries, ordered by position in the data buffer, and the metadata.</returns>
    /// <exception cref="CheckpointFormatException">The file is not valid safetensors.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = OpenRead(path);
        return SafeTensorsHeaderReader.Read(stream, path);
    }

    /// <summary>Validates a safetensors file and loads every tensor onto the CPU.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>
    /// New tensors keyed by name, each with the file's dtype and shape. The caller owns
    /// (and should dispose) them.
    /// </returns>
    /// <exception cref="CheckpointFormatException">The file is not valid safetensors.</exception>
    public static Dictionary<string, torch.Tensor> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = OpenRead(path);
        var header = SafeTensorsHeaderReader.Read(stream, path);
        return SafeTensorsDataReader.Read(stream, header, header.Entries);
    }

    /// <summary>
    /// Writes tensors to a safetensors file atomically: the data goes to a temporary file in the
    /// same folder, is flushed to disk and then renamed over <paramref name="path"/>, so an existing
    /// file is replaced only when the whole write succeeded.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">
    /// Named tensors of any device and layout; they are copied to contiguous CPU memory and written
    /// bit for bit. Names must be unique and must not be <c>__metadata__</c>.
    /// </param>
    /// <param name="metadata">Optional string metadata stored under <c>__metadata__</c>.</param>
    /// <remarks>
    /// Layout matches Python's safetensors writer: tensors ordered by descending dtype alignment,
    /// then by name; the header padded with spaces to a multiple of 8 bytes.
    /// </remarks>
    /// <exception cref="ArgumentException">A name is repeated or reserved, or a dtype is unsupported.</exception>
    public static void Save(
        string path,
        IEnumerable<(string name, torch.Tensor tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var plan = SafeTensorsWritePlan.Create(tensors, metadata);
        AtomicFile.Write(path, stream => WriteContent(stream, plan));
    }

    internal static FileStream OpenRead(string path)
        // Unbuffered: reads are either the small prefix/header or large spans straight into tensors.
        => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);

    private static void WriteContent(FileStream stream, SafeTensorsWritePlan plan)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)plan.HeaderBytes.Length);
        stream.Write(prefix);
        stream.Write(plan.HeaderBytes);

        foreach (var (entry, tensor) in plan.Items)
        {
            // Disposes the detached/CPU/contiguous copies; the caller's tensor is untouched.
            using var scope = torch.NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            long written = 0;
            TensorBytes.ForEachChunk(cpu, span =>
            {
                stream.Write(span);
                written += span.Length;
            });
            if (written != entry.ByteLength)
            {
                throw new InvalidOperationException(
                    $"Tensor '{entry.Name}' changed size while being saved: planned {entry.ByteLength} bytes, wrote {written}.");
            }
        }
    }
}
