using System;
using System.Linq;

namespace Torchwright.Runtime.Checkpoints.Mapping;

/// <summary>The stored shape of a mapped tensor and the shape of each of its file parts.</summary>
internal static class MappedLayout
{
    /// <summary>The shape the file stores (the module's, transposed when asked).</summary>
    public static long[] Stored(MappedTensor mapped, long[] moduleShape)
    {
        if (!mapped.Transpose)
        {
            return moduleShape;
        }
        if (moduleShape.Length != 2)
        {
            throw new ArgumentException($"'{mapped.ModuleKey}' is mapped as transposed, but it has {moduleShape.Length} dimensions rather than 2.");
        }
        return new[] { moduleShape[1], moduleShape[0] };
    }

    /// <summary>The size of each part along the split dimension.</summary>
    public static long[] PartSizes(MappedTensor mapped, long[] stored)
    {
        if (!mapped.IsSplit)
        {
            return new[] { stored.Length == 0 ? 1 : stored[Math.Min(mapped.Dim, stored.Length - 1)] };
        }
        if (mapped.Dim >= stored.Length)
        {
            throw new ArgumentException($"'{mapped.ModuleKey}' [{string.Join(", ", stored)}] has no dimension {mapped.Dim} to split along.");
        }
        var total = stored[mapped.Dim];
        if (mapped.Sizes is { } sizes)
        {
            if (sizes.Sum() != total)
            {
                throw new ArgumentException($"'{mapped.ModuleKey}' has {total} along dimension {mapped.Dim}, but its parts' sizes [{string.Join(", ", sizes)}] add up to {sizes.Sum()}.");
            }
            return sizes.ToArray();
        }
        var count = mapped.FileKeys.Count;
        if (total % count != 0)
        {
            throw new ArgumentException($"'{mapped.ModuleKey}' has {total} along dimension {mapped.Dim}, which does not split into {count} equal parts ({string.Join(", ", mapped.FileKeys)}).");
        }
        return Enumerable.Repeat(total / count, count).ToArray();
    }

    /// <summary>The shape of part <paramref name="index"/> in the file.</summary>
    public static long[] PartShape(MappedTensor mapped, long[] stored, long[] sizes, int index)
    {
        if (!mapped.IsSplit)
        {
            return stored;
        }
        var shape = (long[])stored.Clone();
        shape[mapped.Dim] = sizes[index];
        return shape;
    }
}
