using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Checks that every entry's byte range matches its shape and dtype, and that the ranges tile
/// the data buffer exactly: no overlaps, no gaps, nothing past the end, no trailing bytes.
/// </summary>
internal static class SafeTensorsLayoutValidator
{
    /// <returns>The entries ordered by position in the data buffer.</returns>
    public static IReadOnlyList<SafeTensorsEntry> Validate(IReadOnlyList<SafeTensorsEntry> entries, long dataLength, string path)
    {
        foreach (var entry in entries)
        {
            CheckEntry(entry, dataLength, path);
        }

        var ordered = entries
            .OrderBy(e => e.Begin)
            .ThenBy(e => e.End)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToArray();

        long cursor = 0;
        SafeTensorsEntry? previous = null;
        foreach (var entry in ordered)
        {
            if (entry.Begin < cursor)
            {
                throw new CheckpointFormatException(path, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{previous!.Name}' " +
                    $"at [{previous.Begin}, {previous.End}]; expected this tensor to begin at {cursor}");
            }
            if (entry.Begin > cursor)
            {
                // The reference reader refuses holes too: every byte must belong to one tensor.
                throw new CheckpointFormatException(path, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] leave a gap of {entry.Begin - cursor} unused bytes " +
                    $"at [{cursor}, {entry.Begin}); expected this tensor to begin at {cursor}");
            }
            cursor = entry.End;
            previous = entry;
        }

        if (cursor != dataLength)
        {
            throw new CheckpointFormatException(path, null,
                $"the data buffer has {dataLength} bytes but the tensors cover only {cursor}; " +
                $"{dataLength - cursor} trailing bytes belong to no tensor");
        }
        return ordered;
    }

    private static void CheckEntry(SafeTensorsEntry entry, long dataLength, string path)
    {
        if (entry.End < entry.Begin)
        {
            throw new CheckpointFormatException(path, entry.Name,
                $"data_offsets [{entry.Begin}, {entry.End}] end before they begin");
        }

        int elementSize = SafeTensorsDTypes.ElementSize(entry.DType);
        long expected;
        try
        {
            expected = checked(entry.Shape.Aggregate(1L, (product, dim) => product * dim) * elementSize);
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(path, entry.Name,
                $"shape {ShapeText.Format(entry.Shape)} of {entry.DType} ({elementSize} bytes per element) " +
                "needs more bytes than a 64-bit count can hold");
        }

        if (expected != entry.ByteLength)
        {
            throw new CheckpointFormatException(path, entry.Name,
                $"shape {ShapeText.Format(entry.Shape)} of {entry.DType} needs {expected} bytes " +
                $"but data_offsets [{entry.Begin}, {entry.End}] span {entry.ByteLength} bytes");
        }
        if (entry.End > dataLength)
        {
            throw new CheckpointFormatException(path, entry.Name,
                $"data_offsets [{entry.Begin}, {entry.End}] reach past the end of the data buffer, " +
                $"which has {dataLength} bytes");
        }
    }
}
