using System;

namespace Torchwright.Runtime.Text.Words;

/// <summary>One word of a byte sequence: where it starts and how many bytes it has.</summary>
/// <param name="Start">Offset of the word's first byte.</param>
/// <param name="Length">Number of bytes, at least 1.</param>
public readonly record struct WordSpan(int Start, int Length)
{
    /// <summary>Offset one past the word's last byte.</summary>
    public int End => Start + Length;
}

/// <summary>
/// The words of a byte sequence as produced by <see cref="WordSplitter.GetWordSpans(ReadOnlySpan{byte}, int)"/>:
/// for each word its start and length in bytes, and for each byte the index of its word. The words
/// cover the bytes without gaps or overlaps, in order.
/// </summary>
public sealed class WordSpans
{
    private readonly int[] starts;
    private readonly int[] lengths;
    private readonly int[] wordOfByte;

    internal WordSpans(int[] starts, int[] lengths, int[] wordOfByte)
    {
        this.starts = starts;
        this.lengths = lengths;
        this.wordOfByte = wordOfByte;
    }

    /// <summary>Number of words.</summary>
    public int Count => starts.Length;

    /// <summary>Number of bytes covered (the length of the input).</summary>
    public int ByteCount => wordOfByte.Length;

    /// <summary>Start offset of each word, ascending; the first is 0 unless the input is empty.</summary>
    public ReadOnlySpan<int> Starts => starts;

    /// <summary>Length in bytes of each word.</summary>
    public ReadOnlySpan<int> Lengths => lengths;

    /// <summary>For each byte of the input, the index of the word that holds it.</summary>
    public ReadOnlySpan<int> WordOfByte => wordOfByte;

    /// <summary>The word at <paramref name="index"/>.</summary>
    /// <param name="index">A word index, 0 ≤ index &lt; <see cref="Count"/>.</param>
    public WordSpan this[int index] => new(starts[index], lengths[index]);
}
