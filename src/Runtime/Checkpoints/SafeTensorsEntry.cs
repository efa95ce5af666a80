using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>One tensor's description in a safetensors header: name, element type, shape and byte range.</summary>
public sealed class SafeTensorsEntry
{
    /// <summary>Creates an entry; offsets are relative to the start of the data buffer.</summary>
    /// <param name="name">The tensor's key in the header.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <param name="begin">First byte of the tensor within the data buffer.</param>
    /// <param name="end">One past the last byte of the tensor within the data buffer.</param>
    public SafeTensorsEntry(string name, SafeTensorsDType dtype, IReadOnlyList<long> shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        Shape = shape.ToArray();
        Begin = begin;
        End = end;
    }

    /// <summary>The tensor's key in the header.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>First byte of the tensor, relative to the start of the data buffer.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte of the tensor, relative to the start of the data buffer.</summary>
    public long End { get; }

    /// <summary>Number of bytes the tensor occupies (<see cref="End"/> - <see cref="Begin"/>).</summary>
    public long ByteLength => End - Begin;

    /// <summary>A short description such as <c>w: F32 [2, 3] @ [0, 24)</c>.</summary>
    public override string ToString() => $"{Name}: {DType} {ShapeText.Format(Shape)} @ [{Begin}, {End})";
}
