using System;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>Conversions between <see cref="SafeTensorsDType"/>, its file spelling and TorchSharp scalar types.</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>Parses a header dtype string; the match is exact (the format is case-sensitive).</summary>
    public static bool TryParse(string token, out SafeTensorsDType dtype)
    {
        switch (token)
        {
            case "BOOL": dtype = SafeTensorsDType.BOOL; return true;
            case "U8": dtype = SafeTensorsDType.U8; return true;
            case "I8": dtype = SafeTensorsDType.I8; return true;
            case "I16": dtype = SafeTensorsDType.I16; return true;
            case "F16": dtype = SafeTensorsDType.F16; return true;
            case "BF16": dtype = SafeTensorsDType.BF16; return true;
            case "I32": dtype = SafeTensorsDType.I32; return true;
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>The header spelling; enum names are the spellings.</summary>
    public static string ToToken(SafeTensorsDType dtype) => dtype.ToString();

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.BOOL or SafeTensorsDType.U8 or SafeTensorsDType.I8 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F64 or SafeTensorsDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>The TorchSharp scalar type holding this dtype bit for bit.</summary>
    public static torch.ScalarType ToScalarType(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.BOOL => torch.ScalarType.Bool,
        SafeTensorsDType.U8 => torch.ScalarType.Byte,
        SafeTensorsDType.I8 => torch.ScalarType.Int8,
        SafeTensorsDType.I16 => torch.ScalarType.Int16,
        SafeTensorsDType.F16 => torch.ScalarType.Float16,
        SafeTensorsDType.BF16 => torch.ScalarType.BFloat16,
        SafeTensorsDType.I32 => torch.ScalarType.Int32,
        SafeTensorsDType.F32 => torch.ScalarType.Float32,
        SafeTensorsDType.F64 => torch.ScalarType.Float64,
        SafeTensorsDType.I64 => torch.ScalarType.Int64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>The safetensors dtype for a TorchSharp scalar type, or false for types the format cannot hold here.</summary>
    public static bool TryFromScalarType(torch.ScalarType type, out SafeTensorsDType dtype)
    {
        switch (type)
        {
            case torch.ScalarType.Bool: dtype = SafeTensorsDType.BOOL; return true;
            case torch.ScalarType.Byte: dtype = SafeTensorsDType.U8; return true;
            case torch.ScalarType.Int8: dtype = SafeTensorsDType.I8; return true;
            case torch.ScalarType.Int16: dtype = SafeTensorsDType.I16; return true;
            case torch.ScalarType.Float16: dtype = SafeTensorsDType.F16; return true;
            case torch.ScalarType.BFloat16: dtype = SafeTensorsDType.BF16; return true;
            case torch.ScalarType.Int32: dtype = SafeTensorsDType.I32; return true;
            case torch.ScalarType.Float32: dtype = SafeTensorsDType.F32; return true;
            case torch.ScalarType.Float64: dtype = SafeTensorsDType.F64; return true;
            case torch.ScalarType.Int64: dtype = SafeTensorsDType.I64; return true;
            default: dtype = default; return false;
        }
    }
}
