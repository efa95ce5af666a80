using System;

namespace Torchwright.Runtime.Data;

/// <summary>The size of the flat array behind a <c>[batchSize, length]</c> batch, checked before it is allocated.</summary>
internal static class BatchArrays
{
    /// <summary>
    /// <c>batchSize · length</c>, after checking both are positive and the product fits one array: in plain int
    /// arithmetic a negative size surfaces as an OverflowException and a product past 2³¹ wraps silently.
    /// </summary>
    public static int Size(int batchSize, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long size = (long)batchSize * length;
        if (size > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"A batch of {batchSize} × {length} = {size} tokens does not fit one array (at most {Array.MaxLength}).");
        }
        return (int)size;
    }
}
