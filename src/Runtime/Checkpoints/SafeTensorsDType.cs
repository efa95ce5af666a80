namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Element types a safetensors file can hold that this library reads and writes.
/// Members are spelled exactly as the format's <c>"dtype"</c> strings.
/// </summary>
/// <remarks>
/// The numeric order follows the reference implementation's alignment order (smallest first);
/// the writer places larger-aligned types first so every tensor starts on its element size.
/// </remarks>
public enum SafeTensorsDType
{
    /// <summary>Boolean, one byte per element (0 or 1).</summary>
    BOOL = 0,

    /// <summary>Unsigned 8-bit integer.</summary>
    U8 = 1,

    /// <summary>Signed 8-bit integer.</summary>
    I8 = 2,

    /// <summary>Signed 16-bit integer.</summary>
    I16 = 5,

    /// <summary>IEEE 754 half-precision float.</summary>
    F16 = 7,

    /// <summary>bfloat16 (the upper half of an IEEE 754 single).</summary>
    BF16 = 8,

    /// <summary>Signed 32-bit integer.</summary>
    I32 = 9,

    /// <summary>IEEE 754 single-precision float.</summary>
    F32 = 11,

    /// <summary>IEEE 754 double-precision float.</summary>
    F64 = 12,

    /// <summary>Signed 64-bit integer.</summary>
    I64 = 13,
}
