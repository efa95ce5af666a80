using System;
using System.Collections.Generic;
using System.Text;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>UTF-8 that refuses lone surrogates instead of silently replacing them, plus byte-wise ordering.</summary>
internal static class Utf8Strict
{
    private static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Orders strings by their UTF-8 bytes, like the reference writer's Rust string ordering.</summary>
    public static readonly IComparer<byte[]> ByteOrder = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));

    public static byte[] GetBytes(string text)
    {
        try
        {
            return Encoding.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"'{text}' is not valid Unicode (it holds a lone surrogate) and cannot be written as UTF-8.", ex);
        }
    }
}
