using System;
using System.Collections.Generic;
using System.Text;

namespace Torchwright.Models.Zett;

/// <summary>Helpers for tokens held as byte strings: equality, hashing and GPT-2's printable form.</summary>
public static class ByteTokens
{
    /// <summary>Compares byte strings by content, so they can key dictionaries.</summary>
    public static IEqualityComparer<byte[]> Comparer { get; } = new ContentComparer();

    /// <summary>Joins two byte strings.</summary>
    /// <param name="left">First part.</param>
    /// <param name="right">Second part.</param>
    public static byte[] Concat(byte[] left, byte[] right)
    {
        var joined = new byte[left.Length + right.Length];
        left.CopyTo(joined, 0);
        right.CopyTo(joined, left.Length);
        return joined;
    }

    /// <summary>
    /// The token in GPT-2's byte→character form (space as <c>Ġ</c>, newline as <c>Ċ</c>, tab as <c>ĉ</c>),
    /// which is how the reference states its whitespace rules.
    /// </summary>
    /// <param name="token">The token's bytes.</param>
    public static string Printable(byte[] token)
    {
        var text = new StringBuilder(token.Length);
        foreach (var b in token)
        {
            text.Append(ByteToChar[b]);
        }
        return text.ToString();
    }

    private static readonly char[] ByteToChar = BuildByteToChar();

    // GPT-2's table: printable Latin-1 bytes map to themselves, the others to code points from 256 up, in byte order.
    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    private sealed class ContentComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
