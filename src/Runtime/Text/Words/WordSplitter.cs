using System;
using System.Collections.Generic;
using System.Text;

namespace Torchwright.Runtime.Text.Words;

/// <summary>
/// The word splitter of the HAT architecture (Hierarchical Autoregressive Transformer): it cuts text
/// into the words that the byte-level encoder pools and the word-level backbone predicts. It follows the
/// reference splitter, Aleph Alpha's hat-splitter 0.1.10 (src/split.rs), rule by rule:
/// <list type="number">
/// <item>Segment the text with the default word boundaries of Unicode UAX #29 (no dictionary, no
/// tailoring: the reference's unicode-segmentation crate, not ICU).</item>
/// <item>Cut each segment after every punctuation character (\p{P}) and at every transition from a
/// lowercase (\p{Ll}) to an uppercase (\p{Lu}) letter.</item>
/// <item>Append a piece that is a single space " " to the piece before it when that one consists of
/// spaces only.</item>
/// <item>Classify each piece: <c>Space</c> if it is exactly " "; <c>Whitespace</c> if every character
/// is White_Space (a run of spaces, "\n", "\t", …); <c>Punctuation</c> if it is one \p{P} character;
/// otherwise <c>Word</c>.</item>
/// <item>Group: a Word joins the current group when that group ends with a Space; a Punctuation joins
/// it when it ends with a Space, Word or Punctuation; everything else (every Space and Whitespace
/// piece included) starts a new group. Each group is one word.</item>
/// </list>
/// So "Hello, world!" gives "Hello," and " world!"; "helloWorld" gives "hello" and "World"; "3.14"
/// gives "3." and "14"; "don't" gives "don'" and "t". The concatenation of the words is the input.
/// Unicode data is version 16.0 (generated Word_Break tables, .NET 10's character categories).
/// Unpaired surrogates and invalid UTF-8 are treated as U+FFFD, each maximal invalid subsequence one
/// character, but stay in the output as they were.
/// </summary>
public static class WordSplitter
{
    /// <summary>The usual byte limit per word of HAT models (<c>max_word_size</c> = 100).</summary>
    public const int DefaultMaxWordBytes = 100;

    /// <summary>Splits <paramref name="text"/> into words (the reference's <c>split</c>).</summary>
    /// <param name="text">Any text; the empty string gives no words.</param>
    /// <returns>The words, in order; their concatenation is <paramref name="text"/>.</returns>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ScalarText scalars = ScalarText.FromUtf16(text);
        var groups = new List<int>();
        HatRules.GroupStarts(scalars, 0, groups);
        var words = new string[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            int start = scalars.Offsets[groups[g]];
            int end = g + 1 < groups.Count ? scalars.Offsets[groups[g + 1]] : text.Length;
            words[g] = text[start..end];
        }

        return words;
    }

    /// <summary>
    /// Splits <paramref name="text"/> into words and cuts every word longer than
    /// <paramref name="maxBytes"/> UTF-8 bytes into chunks (the reference's <c>split_with_limit</c>).
    /// </summary>
    /// <remarks>
    /// As in the reference, a long word is cut greedily from its start: each chunk takes
    /// <paramref name="maxBytes"/> bytes and then backs off to the last character boundary, so no
    /// character is split while <paramref name="maxBytes"/> is at least the character's length (4 bytes
    /// suffice for any); only a character longer than the limit is cut inside (then a chunk is not valid
    /// UTF-8). "Hello, world!" with 4 gives "Hell", "o,", " wor", "ld!"; "für" with 2 gives "f", "ü", "r".
    /// </remarks>
    /// <param name="text">Any text; unpaired surrogates are encoded as U+FFFD.</param>
    /// <param name="maxBytes">The largest chunk in bytes, at least 1.</param>
    /// <returns>The UTF-8 bytes of each word or chunk, in order; their concatenation is the UTF-8 encoding of <paramref name="text"/>.</returns>
    public static IReadOnlyList<byte[]> SplitWithLimit(string text, int maxBytes = DefaultMaxWordBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        WordSpans spans = GetWordSpans(utf8, maxBytes);
        var words = new byte[spans.Count][];
        for (int w = 0; w < spans.Count; w++)
        {
            words[w] = utf8.AsSpan(spans.Starts[w], spans.Lengths[w]).ToArray();
        }

        return words;
    }

    /// <summary>
    /// The words of a UTF-8 byte sequence with the byte limit applied, as spans: what a HAT model's
    /// encoder pools and its backbone predicts. For valid UTF-8 the spans are exactly the chunks of
    /// <see cref="SplitWithLimit"/> on the decoded text.
    /// </summary>
    /// <remarks>
    /// O(n) time and memory for n bytes (about 20 bytes of working memory per input byte; about 8 MB/s on
    /// one core for mixed-language text), so split a large corpus document by document.
    /// </remarks>
    /// <param name="utf8">The bytes; invalid sequences are read as U+FFFD (see <see cref="WordSplitter"/>).</param>
    /// <param name="maxBytes">The largest word in bytes, at least 1.</param>
    /// <returns>Word starts, lengths and the word index of every byte.</returns>
    public static WordSpans GetWordSpans(ReadOnlySpan<byte> utf8, int maxBytes = DefaultMaxWordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ScalarText scalars = ScalarText.FromUtf8(utf8);
        var starts = new List<int>();
        WordStarts(scalars, 0, maxBytes, starts);

        int count = starts.Count;
        var startArray = starts.ToArray();
        var lengths = new int[count];
        var wordOfByte = new int[utf8.Length];
        for (int w = 0; w < count; w++)
        {
            int end = w + 1 < count ? startArray[w + 1] : utf8.Length;
            lengths[w] = end - startArray[w];
            wordOfByte.AsSpan(startArray[w], lengths[w]).Fill(w);
        }

        return new WordSpans(startArray, lengths, wordOfByte);
    }

    /// <summary>
    /// Step 1 alone: the UAX #29 word segments of <paramref name="text"/> (every segment, spaces and
    /// punctuation included), as the reference gets them from unicode-segmentation's <c>split_word_bounds</c>.
    /// </summary>
    /// <param name="text">Any text.</param>
    /// <returns>The segments, in order; their concatenation is <paramref name="text"/>.</returns>
    public static IReadOnlyList<string> SplitUnicodeWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ScalarText scalars = ScalarText.FromUtf16(text);
        var breaks = new bool[scalars.Count];
        UnicodeWordBoundaries.Mark(scalars.Props, 0, breaks);
        var segments = new List<string>();
        int start = 0;
        for (int i = 1; i <= scalars.Count; i++)
        {
            if (i == scalars.Count || breaks[i])
            {
                segments.Add(text[scalars.Offsets[start]..scalars.Offsets[i]]);
                start = i;
            }
        }

        return segments;
    }

    /// <summary>
    /// Streaming check for generation: does appending <paramref name="next"/> to the bytes of the current
    /// word start a new word? That is, would splitting <paramref name="currentWord"/> followed by
    /// <paramref name="next"/> (with the byte limit) put <paramref name="next"/> into a word of its own?
    /// </summary>
    /// <remarks>
    /// <para>A character is judged whole. While <paramref name="next"/> leaves a UTF-8 sequence unfinished
    /// the answer is false — unless the character, whatever it is, no longer fits under the byte limit,
    /// which its first byte already tells. When <paramref name="next"/> completes a character that starts a
    /// new word, the answer is true and the new word begins at that character's first byte, which may lie
    /// before <paramref name="next"/> (its position is the start of the trailing UTF-8 sequence).</para>
    /// <para>The current word is split on its own, without the text before it. That agrees with splitting
    /// the whole text except where the text before matters: when UAX #29 looks back past the word's start
    /// (a combining mark right after punctuation), and when the current word is the rest of a longer word
    /// cut by the byte limit (a rest that starts with a combining mark or a space).
    /// <see cref="WordStream"/> keeps that context and agrees with re-splitting the text so far.</para>
    /// <para>Cost: one split of <paramref name="currentWord"/> plus <paramref name="next"/>, O(L) time and
    /// memory for a word of L bytes (L ≤ <paramref name="maxBytes"/>); about a microsecond per byte for
    /// ordinary words.</para>
    /// </remarks>
    /// <param name="currentWord">The bytes of the unfinished current word; empty at the start of a text.</param>
    /// <param name="next">The byte to append.</param>
    /// <param name="maxBytes">The byte limit per word, at least 1.</param>
    /// <returns>True when <paramref name="next"/> (or the character it completes) begins a new word.</returns>
    public static bool StartsNewWord(ReadOnlySpan<byte> currentWord, byte next, int maxBytes = DefaultMaxWordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (currentWord.IsEmpty)
        {
            return true;
        }

        byte[] text = new byte[currentWord.Length + 1];
        currentWord.CopyTo(text);
        text[^1] = next;
        int boundary = LastNewWordStart(text, 0, 0, maxBytes, out _);
        return boundary > 0 && boundary >= TrailingCharacterStart(text);
    }

    /// <summary>
    /// The last word start after <paramref name="wordStart"/> in <paramref name="text"/>, or -1. Splits
    /// <c>text[groupStart..]</c> with the bytes before as context, and judges an unfinished UTF-8 sequence
    /// at the end by the byte limit alone.
    /// </summary>
    /// <param name="text">Context, then the current group (from <paramref name="groupStart"/>).</param>
    /// <param name="groupStart">Where the current group starts; its chunks are counted from here.</param>
    /// <param name="wordStart">Where the current word starts (≥ <paramref name="groupStart"/>).</param>
    /// <param name="maxBytes">The byte limit.</param>
    /// <param name="lastGroupStart">The last group start at or after <paramref name="groupStart"/>.</param>
    internal static int LastNewWordStart(ReadOnlySpan<byte> text, int groupStart, int wordStart, int maxBytes, out int lastGroupStart)
    {
        int complete = text.Length;
        int pendingLength = PendingSequenceLength(text, out int pendingStart);
        if (pendingLength > 0)
        {
            complete = pendingStart;
        }

        int result = -1;
        lastGroupStart = groupStart;
        if (complete > groupStart)
        {
            ScalarText scalars = ScalarText.FromUtf8(text[..complete]);
            int from = Array.BinarySearch(scalars.Offsets, 0, scalars.Count, groupStart);
            if (from < 0)
            {
                // The group start is not a scalar start (a chunk cut inside a character): no context then.
                scalars = ScalarText.FromUtf8(text[groupStart..complete]);
                from = 0;
            }

            int shift = complete - scalars.Offsets[scalars.Count];
            var groups = new List<int>();
            HatRules.GroupStarts(scalars, from, groups);
            lastGroupStart = scalars.Offsets[groups[^1]] + shift;
            var starts = new List<int>();
            HatRules.Chunk(scalars.Offsets, groups, scalars.Count, maxBytes, starts);
            if (starts[^1] + shift > wordStart)
            {
                result = starts[^1] + shift;
            }
        }

        if (pendingLength > 0)
        {
            // The unfinished character starts a new chunk if it cannot fit in the current one; a character
            // longer than the limit is cut at the limit.
            int currentStart = Math.Max(result, wordStart);
            if (pendingStart > currentStart && pendingStart - currentStart + pendingLength > maxBytes)
            {
                result = pendingStart;
            }
            else if (text.Length - currentStart > maxBytes)
            {
                result = currentStart + maxBytes;
            }
        }

        return result;
    }

    /// <summary>
    /// When <paramref name="text"/> ends inside a UTF-8 sequence that more bytes could complete, the full
    /// length of that sequence (2–4) and its start; otherwise 0.
    /// </summary>
    internal static int PendingSequenceLength(ReadOnlySpan<byte> text, out int start)
    {
        start = text.Length;
        for (int back = 1; back <= 3 && back <= text.Length; back++)
        {
            byte b = text[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: look further back for the lead byte
            }

            int needed = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0;
            if (needed > back)
            {
                // Only a pending sequence if the bytes so far are a valid prefix.
                start = text.Length - back;
                System.Buffers.OperationStatus status = Rune.DecodeFromUtf8(text[start..], out _, out int consumed);
                if (status == System.Buffers.OperationStatus.NeedMoreData && consumed == back)
                {
                    return needed;
                }
            }

            start = text.Length;
            return 0;
        }

        return 0;
    }

    /// <summary>Start of the last character of <paramref name="text"/> as the decoder reads it.</summary>
    private static int TrailingCharacterStart(ReadOnlySpan<byte> text)
    {
        ScalarText scalars = ScalarText.FromUtf8(text);
        return scalars.Offsets[scalars.Count - 1];
    }

    private static void WordStarts(ScalarText scalars, int from, int maxBytes, List<int> starts)
    {
        var groups = new List<int>();
        HatRules.GroupStarts(scalars, from, groups);
        HatRules.Chunk(scalars.Offsets, groups, scalars.Count, maxBytes, starts);
    }
}
