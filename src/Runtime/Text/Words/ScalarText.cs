using System;
using System.Buffers;
using System.Text;

namespace Torchwright.Runtime.Text.Words;

/// <summary>
/// Text as a sequence of Unicode scalars, each with the offset of its first code unit (a byte of UTF-8
/// or a char of UTF-16). Invalid code units — a lone surrogate, a maximal invalid UTF-8 subsequence, an
/// incomplete UTF-8 sequence at the end — become one U+FFFD scalar each, as Python's and Rust's lossy
/// decoders do.
/// </summary>
internal sealed class ScalarText
{
    private ScalarText(int[] codePoints, byte[] props, int[] offsets, int count)
    {
        CodePoints = codePoints;
        Props = props;
        Offsets = offsets;
        Count = count;
    }

    /// <summary>The scalar values; <c>Count</c> of them are used.</summary>
    public int[] CodePoints { get; }

    /// <summary>Packed Word_Break properties of each scalar (<see cref="WordBreakData.Lookup"/>).</summary>
    public byte[] Props { get; }

    /// <summary>Start offset of each scalar in code units, plus the total length at index <c>Count</c>.</summary>
    public int[] Offsets { get; }

    /// <summary>Number of scalars.</summary>
    public int Count { get; }

    /// <summary>Decodes UTF-8 bytes.</summary>
    public static ScalarText FromUtf8(ReadOnlySpan<byte> utf8)
    {
        var codePoints = new int[utf8.Length];
        var offsets = new int[utf8.Length + 1];
        int count = 0;
        int position = 0;
        while (position < utf8.Length)
        {
            Rune.DecodeFromUtf8(utf8[position..], out Rune rune, out int consumed);
            // Invalid or incomplete data yields U+FFFD and the length of the maximal invalid subsequence.
            codePoints[count] = rune.Value;
            offsets[count] = position;
            count++;
            position += consumed;
        }

        offsets[count] = position;
        return Finish(codePoints, offsets, count);
    }

    /// <summary>Decodes UTF-16 text; offsets are char indices.</summary>
    public static ScalarText FromUtf16(ReadOnlySpan<char> text)
    {
        var codePoints = new int[text.Length];
        var offsets = new int[text.Length + 1];
        int count = 0;
        int position = 0;
        while (position < text.Length)
        {
            OperationStatus status = Rune.DecodeFromUtf16(text[position..], out Rune rune, out int consumed);
            codePoints[count] = status == OperationStatus.Done ? rune.Value : Rune.ReplacementChar.Value;
            offsets[count] = position;
            count++;
            position += Math.Max(consumed, 1);
        }

        offsets[count] = position;
        return Finish(codePoints, offsets, count);
    }

    private static ScalarText Finish(int[] codePoints, int[] offsets, int count)
    {
        var props = new byte[count];
        for (int i = 0; i < count; i++)
        {
            props[i] = WordBreakData.Lookup(codePoints[i]);
        }

        return new ScalarText(codePoints, props, offsets, count);
    }
}
