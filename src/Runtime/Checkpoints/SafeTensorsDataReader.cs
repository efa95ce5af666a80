using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>Reads tensor data for validated header entries into fresh CPU tensors.</summary>
internal static class SafeTensorsDataReader
{
    /// <summary>
    /// Reads the given entries; on any failure every tensor created so far is disposed.
    /// Allocation is bounded by the file because the header was validated against its length.
    /// </summary>
    public static Dictionary<string, torch.Tensor> Read(FileStream stream, SafeTensorsHeader header, IEnumerable<SafeTensorsEntry> entries)
    {
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in entries.OrderBy(e => e.Begin))
            {
                var tensor = torch.empty(entry.Shape.ToArray(), SafeTensorsDTypes.ToScalarType(entry.DType));
                result.Add(entry.Name, tensor);
                stream.Position = header.DataStart + entry.Begin;
                try
                {
                    TensorBytes.ForEachChunk(tensor, span => stream.ReadExactly(span));
                }
                catch (EndOfStreamException ex)
                {
                    throw new CheckpointFormatException(header.Path, entry.Name,
                        $"the file ended inside this tensor's {entry.ByteLength} bytes at file offset {header.DataStart + entry.Begin}; it was truncated while being read",
                        ex);
                }
                if (entry.DType == SafeTensorsDType.BOOL)
                {
                    CheckBooleans(tensor, entry, header.Path);
                }
            }
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }
            throw;
        }
    }

    /// <summary>Bytes other than 0 and 1 are not booleans; torch would give them undefined behaviour.</summary>
    private static void CheckBooleans(torch.Tensor tensor, SafeTensorsEntry entry, string path)
    {
        long index = 0;
        TensorBytes.ForEachChunk(tensor, span =>
        {
            int bad = span.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
            {
                throw new CheckpointFormatException(path, entry.Name,
                    $"BOOL element {index + bad} is stored as {span[bad]}; expected 0 or 1");
            }
            index += span.Length;
        });
    }
}
