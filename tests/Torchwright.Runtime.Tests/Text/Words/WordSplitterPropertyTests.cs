using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Torchwright.Runtime.Text.Words;
using Xunit;

namespace Torchwright.Runtime.Tests.Text.Words;

/// <summary>Invariants over random strings from a fixed seed.</summary>
public class WordSplitterPropertyTests
{
    private static readonly string[] Pieces =
    {
        " ", "  ", "\n", "\r\n", "\t", "a", "Z", "hello", "World", "0", "42", "3.14", "1,000", ".", ",", "!", "?", "'",
        "\"", "-", "_", "(", ")", "…", "—", "é", "e\u0301", "ß", "Привет", "Ωμέγα", "你", "好", "こ", "カタ", "한", "שׁ",
        "ع", "न्", "ไ", "😀", "👍🏼", "👨‍👩‍👧", "🇩🇪", "\u200D", "\u200B", "\u00AD", "\u00A0", "\u202F", "\u3000", "\u2044",
        "\uFFFD", "\uD800", "\uDC00",
    };

    /// <summary>Strings mixing the pieces above with any UTF-16 code unit or any code point.</summary>
    internal static IEnumerable<string> RandomStrings(int seed, int count)
    {
        var random = new Random(seed);
        for (int s = 0; s < count; s++)
        {
            var text = new StringBuilder();
            int items = random.Next(0, 30);
            for (int i = 0; i < items; i++)
            {
                double roll = random.NextDouble();
                if (roll < 0.6)
                {
                    text.Append(Pieces[random.Next(Pieces.Length)]);
                }
                else if (roll < 0.8)
                {
                    text.Append((char)random.Next(0, 0x10000)); // may be a lone surrogate
                }
                else
                {
                    int cp = random.Next(0, 0x110000 - 0x800);
                    text.Append(char.ConvertFromUtf32(cp >= 0xD800 ? cp + 0x800 : cp));
                }
            }

            yield return text.ToString();
        }
    }

    [Fact]
    public void Concatenation_of_the_split_is_the_input()
    {
        foreach (string text in RandomStrings(seed: 1, count: 2000))
        {
            IReadOnlyList<string> words = WordSplitter.Split(text);
            Assert.Equal(text, string.Concat(words));
            Assert.All(words, w => Assert.NotEmpty(w));
            Assert.Equal(text, string.Concat(WordSplitter.SplitUnicodeWords(text)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(100)]
    public void Chunks_cover_the_bytes_and_respect_the_limit(int maxBytes)
    {
        foreach (string text in RandomStrings(seed: 2, count: 1000))
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            IReadOnlyList<byte[]> chunks = WordSplitter.SplitWithLimit(text, maxBytes);
            Assert.Equal(utf8, chunks.SelectMany(c => c).ToArray());
            Assert.All(chunks, c => Assert.InRange(c.Length, 1, maxBytes));
            if (maxBytes >= 4)
            {
                // With room for any character, no chunk cuts one: each is valid UTF-8.
                var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
                Assert.All(chunks, c => strict.GetString(c));
            }
        }
    }

    [Fact]
    public void Chunks_only_cut_words_that_are_too_long()
    {
        const int limit = 6;
        foreach (string text in RandomStrings(seed: 3, count: 1000))
        {
            var chunkEnds = new HashSet<int>();
            int offset = 0;
            foreach (byte[] chunk in WordSplitter.SplitWithLimit(text, limit))
            {
                offset += chunk.Length;
                chunkEnds.Add(offset);
            }

            offset = 0;
            foreach (string word in WordSplitter.Split(text))
            {
                int length = Encoding.UTF8.GetByteCount(word);
                for (int inside = offset + 1; inside < offset + length; inside++)
                {
                    Assert.True(length > limit || !chunkEnds.Contains(inside), $"a word of {length} bytes was cut");
                }

                offset += length;
                Assert.Contains(offset, chunkEnds); // every word ends a chunk
            }
        }
    }

    [Fact]
    public void Byte_spans_agree_with_the_strings()
    {
        foreach (string text in RandomStrings(seed: 4, count: 1000))
        {
            foreach (int maxBytes in new[] { 5, 100, int.MaxValue })
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(text);
                WordSpans spans = WordSplitter.GetWordSpans(utf8, maxBytes);
                IReadOnlyList<byte[]> chunks = WordSplitter.SplitWithLimit(text, maxBytes);
                Assert.Equal(chunks.Count, spans.Count);
                Assert.Equal(utf8.Length, spans.ByteCount);
                int offset = 0;
                for (int w = 0; w < spans.Count; w++)
                {
                    Assert.Equal(offset, spans.Starts[w]);
                    Assert.Equal(chunks[w].Length, spans.Lengths[w]);
                    for (int b = spans[w].Start; b < spans[w].End; b++)
                    {
                        Assert.Equal(w, spans.WordOfByte[b]);
                    }

                    offset += spans.Lengths[w];
                }

                Assert.Equal(utf8.Length, offset);
                if (maxBytes == int.MaxValue)
                {
                    // Without a limit the spans are the words of Split.
                    Assert.Equal(WordSplitter.Split(text).Select(w => Encoding.UTF8.GetByteCount(w)), spans.Lengths.ToArray());
                }
            }
        }
    }
}
