using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Everything needed to write a file, worked out before the file is touched: names checked,
/// tensors ordered, offsets assigned and header bytes built. Argument errors therefore surface
/// before any temporary file exists.
/// </summary>
internal sealed class SafeTensorsWritePlan
{
    private SafeTensorsWritePlan(IReadOnlyList<(SafeTensorsEntry Entry, torch.Tensor Tensor)> items, byte[] header)
    {
        Items = items;
        HeaderBytes = header;
    }

    /// <summary>Entries with their source tensors, in data-buffer order.</summary>
    public IReadOnlyList<(SafeTensorsEntry Entry, torch.Tensor Tensor)> Items { get; }

    /// <summary>The padded JSON header (without the 8-byte length prefix).</summary>
    public byte[] HeaderBytes { get; }

    public static SafeTensorsWritePlan Create(
        IEnumerable<(string name, torch.Tensor tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<(string Name, byte[] Utf8, SafeTensorsDType DType, torch.Tensor Tensor)>();
        foreach (var (name, tensor) in tensors)
        {
            ArgumentNullException.ThrowIfNull(name, "tensor name");
            if (tensor is null)
            {
                throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
            }
            if (name == SafeTensorsHeaderParser.MetadataKey)
            {
                throw new ArgumentException($"'{name}' is reserved for file metadata and cannot name a tensor.", nameof(tensors));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' appears more than once.", nameof(tensors));
            }
            if (!SafeTensorsDTypes.TryFromScalarType(tensor.dtype, out var dtype))
            {
                throw new ArgumentException($"Tensor '{name}' has dtype {tensor.dtype}, which safetensors I/O here does not support.", nameof(tensors));
            }
            pending.Add((name, Utf8Strict.GetBytes(name), dtype, tensor));
        }

        // Reference order: larger alignment first, then name; this keeps each tensor aligned to its element size.
        var ordered = pending
            .OrderByDescending(p => p.DType)
            .ThenBy(p => p.Utf8, Utf8Strict.ByteOrder)
            .ToList();

        var items = new List<(SafeTensorsEntry, torch.Tensor)>(ordered.Count);
        long offset = 0;
        foreach (var p in ordered)
        {
            long length = checked(p.Tensor.numel() * SafeTensorsDTypes.ElementSize(p.DType));
            var entry = new SafeTensorsEntry(p.Name, p.DType, p.Tensor.shape, offset, checked(offset + length));
            items.Add((entry, p.Tensor));
            offset = entry.End;
        }

        if (metadata is not null)
        {
            foreach (var pair in metadata)
            {
                if (pair.Value is null)
                {
                    throw new ArgumentException($"Metadata value for '{pair.Key}' is null; safetensors metadata values are strings.", nameof(metadata));
                }
            }
        }

        byte[] header = SafeTensorsHeaderWriter.Build(items.Select(i => i.Item1).ToList(), metadata);
        return new SafeTensorsWritePlan(items, header);
    }
}
