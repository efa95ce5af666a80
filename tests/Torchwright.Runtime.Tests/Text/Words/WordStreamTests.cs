using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Torchwright.Runtime.Text.Words;
using Xunit;

namespace Torchwright.Runtime.Tests.Text.Words;

public class WordStreamTests
{
    /// <summary>
    /// Natural text: the reference cases' sentences (each line and all of them) and STRANGE_STUFF, with "10⁄3"
    /// written "10/3": the rule itself is not causal for U+2044 (see <see cref="Non_causal_input_is_not_revised"/>).
    /// </summary>
    private static IEnumerable<byte[]> NaturalCorpus() =>
        WordSplitterReferenceTests.All.Where(c => c.Kind == "text").Select(c => c.Text.Replace('\u2044', '/'))
            .Append(WordSplitterReferenceTests.StrangeStuff)
            .Select(Encoding.UTF8.GetBytes);

    /// <summary>Word starts as a generator sees them, feeding the bytes one by one to a <see cref="WordStream"/>.</summary>
    private static List<int> StreamStarts(byte[] bytes, int maxBytes)
    {
        var stream = new WordStream(maxBytes);
        var starts = new List<int>();
        for (int i = 0; i < bytes.Length; i++)
        {
            int k = stream.Append(bytes[i]);
            if (i == 0)
            {
                Assert.Equal(0, k);
                starts.Add(0);
            }
            else if (k > 0)
            {
                starts.Add(i + 1 - k);
            }
        }

        return starts;
    }

    /// <summary>Word starts found by a caller of the static helper that keeps only the current word.</summary>
    private static List<int> HelperStarts(byte[] bytes, int maxBytes)
    {
        var starts = new List<int>();
        int wordStart = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i == 0)
            {
                starts.Add(0);
                continue;
            }

            if (WordSplitter.StartsNewWord(bytes.AsSpan(wordStart, i - wordStart), bytes[i], maxBytes))
            {
                // The new word starts at the first byte of the character that bytes[i] ends or begins.
                wordStart = i;
                while ((bytes[wordStart] & 0xC0) == 0x80 && wordStart > starts[^1] + 1 && i - wordStart < 3)
                {
                    wordStart--;
                }

                starts.Add(wordStart);
            }
        }

        return starts;
    }

    [Theory]
    [InlineData(WordSplitter.DefaultMaxWordBytes)]
    [InlineData(7)]
    [InlineData(4)]
    public void Stream_reproduces_the_split_of_natural_text(int maxBytes)
    {
        foreach (byte[] text in NaturalCorpus())
        {
            Assert.Equal(WordSplitter.GetWordSpans(text, maxBytes).Starts.ToArray(), StreamStarts(text, maxBytes));
        }
    }

    [Fact]
    public void Static_helper_reproduces_the_split_of_natural_text()
    {
        foreach (byte[] text in NaturalCorpus())
        {
            Assert.Equal(WordSplitter.GetWordSpans(text).Starts.ToArray(), HelperStarts(text, WordSplitter.DefaultMaxWordBytes));
        }
    }

    // The streaming verdict for each character equals re-splitting the text so far: the character begins a
    // new word exactly when the split of the prefix that ends with it has a word starting at it.
    [Theory]
    [InlineData(WordSplitter.DefaultMaxWordBytes)]
    [InlineData(5)]
    public void Stream_agrees_with_resplitting_the_text_so_far(int maxBytes)
    {
        IEnumerable<string> texts = WordSplitterReferenceTests.All.Where(c => c.Kind != "text").Select(c => c.Text)
            .Concat(WordSplitterPropertyTests.RandomStrings(seed: 5, count: 500));
        foreach (string text in texts)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            var stream = new WordStream(maxBytes);
            var reported = new HashSet<int>();
            int offset = 0;
            foreach (Rune rune in text.EnumerateRunes())
            {
                int q = offset;
                offset += rune.Utf8SequenceLength;
                for (int i = q; i < offset; i++)
                {
                    int k = stream.Append(bytes[i]);
                    if (k > 0)
                    {
                        Assert.Equal(q, i + 1 - k); // a new word begins at a character's first byte
                        reported.Add(q);
                    }
                }

                bool expected = q > 0 && WordSplitter.GetWordSpans(bytes.AsSpan(0, offset), maxBytes).Starts.Contains(q);
                Assert.True(expected == reported.Contains(q), $"{Escape(text)}: character at byte {q}: re-split says {expected}");
            }
        }
    }

    [Fact]
    public void Natural_corpus_is_large_enough()
    {
        Assert.Equal(34, NaturalCorpus().Count());
        Assert.True(NaturalCorpus().Sum(t => t.Length) > 4000);
    }

    // The reference rule is not causal for a FRACTION SLASH between digits: "1⁄" splits as "1", "⁄", but
    // "1⁄2" is one word (UAX #29 rule WB12 looks ahead, and U+2044 is not punctuation). A stream cannot
    // foresee the "2", so it reports the boundary that the text so far has, like re-splitting would.
    [Fact]
    public void Non_causal_input_is_not_revised()
    {
        byte[] text = Encoding.UTF8.GetBytes("1\u20442");
        Assert.Equal(new[] { 0 }, WordSplitter.GetWordSpans(text).Starts.ToArray());
        Assert.Equal(new[] { 0, 1 }, WordSplitter.GetWordSpans(text.AsSpan(0, 4)).Starts.ToArray());
        Assert.Equal(new[] { 0, 1 }, StreamStarts(text, WordSplitter.DefaultMaxWordBytes));
    }

    [Fact]
    public void Stream_reports_the_documented_example()
    {
        var stream = new WordStream();
        int[] verdicts = "Hello, world!"u8.ToArray().Select(stream.Append).ToArray();
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, verdicts);
        Assert.Equal(" world!", Encoding.UTF8.GetString(stream.CurrentWord));
        Assert.Equal(13, stream.Position);

        stream.Reset();
        Assert.Equal(0, stream.Position);
        Assert.True(stream.CurrentWord.IsEmpty);
        Assert.Equal(0, stream.Append((byte)'x'));
    }

    [Fact]
    public void A_multibyte_character_is_judged_when_complete()
    {
        // "abc" then 世 (E4 B8 96): an ideograph begins a new word, known at its last byte.
        var stream = new WordStream();
        foreach (byte b in "abc"u8)
        {
            stream.Append(b);
        }

        Assert.Equal(0, stream.Append(0xE4));
        Assert.Equal(0, stream.Append(0xB8));
        Assert.Equal(3, stream.Append(0x96));
        Assert.Equal("世", Encoding.UTF8.GetString(stream.CurrentWord));

        // The static helper gives the same verdicts.
        Assert.False(WordSplitter.StartsNewWord("abc"u8, 0xE4));
        Assert.False(WordSplitter.StartsNewWord(new byte[] { 0x61, 0x62, 0x63, 0xE4 }, 0xB8));
        Assert.True(WordSplitter.StartsNewWord(new byte[] { 0x61, 0x62, 0x63, 0xE4, 0xB8 }, 0x96));

        // A letter continues the word: "ab" + ü (C3 BC).
        Assert.False(WordSplitter.StartsNewWord("ab"u8, 0xC3));
        Assert.False(WordSplitter.StartsNewWord(new byte[] { 0x61, 0x62, 0xC3 }, 0xBC));
    }

    [Fact]
    public void A_character_that_cannot_fit_starts_a_new_word_at_its_first_byte()
    {
        // Limit 4: "abc" + 世 cannot fit (3 + 3 > 4); the lead byte already tells.
        var stream = new WordStream(4);
        foreach (byte b in "abc"u8)
        {
            Assert.Equal(0, stream.Append(b));
        }

        Assert.Equal(1, stream.Append(0xE4));
        Assert.Equal(0, stream.Append(0xB8));
        Assert.Equal(0, stream.Append(0x96));
        Assert.True(WordSplitter.StartsNewWord("abc"u8, 0xE4, 4));
        Assert.True(WordSplitter.StartsNewWord("abcd"u8, (byte)'e', 4));
        Assert.False(WordSplitter.StartsNewWord("abc"u8, (byte)'d', 4));
    }

    [Theory]
    [InlineData("Hello", ',', false)]
    [InlineData("Hello,", ' ', true)]
    [InlineData(" ", 'w', false)]
    [InlineData(" ", ' ', false)] // two spaces form one whitespace word
    [InlineData("  ", 'w', true)]
    [InlineData("hello", 'W', true)] // camelCase
    [InlineData("3", '.', false)]
    [InlineData("3.", '1', true)]
    [InlineData("don", '\'', false)]
    [InlineData("\n", '\n', true)]
    [InlineData("", 'a', true)]
    public void Static_helper_examples(string current, char next, bool expected)
    {
        Assert.Equal(expected, WordSplitter.StartsNewWord(Encoding.UTF8.GetBytes(current), (byte)next));
    }

    [Fact]
    public void Long_input_keeps_a_bounded_window()
    {
        // A long text through one stream: the verdicts still match the split and the stream keeps working
        // after its buffer is compacted many times.
        var text = new StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            text.Append("Sentence number ").Append(i).Append(", with Ünïcödé and 漢字!\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        Assert.Equal(WordSplitter.GetWordSpans(bytes).Starts.ToArray(), StreamStarts(bytes, WordSplitter.DefaultMaxWordBytes));
    }

    [Theory]
    [InlineData(WordSplitter.DefaultMaxWordBytes)]
    [InlineData(7)]
    [InlineData(5)]
    [InlineData(2)]
    [InlineData(1)]
    public void Long_groups_split_as_the_whole_text_does_in_a_bounded_window(int maxBytes)
    {
        // Groups far longer than the byte limit: runs of letters, digits, accented and CJK letters and spaces, runs of
        // spaces that end one, two or three spaces past a cut (where a lone space would join the next word), and
        // letters around an apostrophe, a combining mark and a camelCase step.
        var texts = new List<string>
        {
            new string('a', 3000), new string('7', 3000), new string('é', 1500), new string('漢', 1000),
            new string(' ', 3000) + "foo", "x" + new string(' ', 3000) + "foo bar",
            string.Concat(Enumerable.Repeat(new string('b', 397) + " ", 8)),
            new string('a', 301) + "'" + new string('b', 300) + "." + new string('c', 299),
            new string('a', 500) + "\u0301" + new string('a', 500) + "Zed" + new string('z', 400),
        };
        for (int extra = 1; extra <= 3; extra++)
        {
            for (int run = 1; run <= 4; run++)
            {
                texts.Add("w" + new string(' ', run * maxBytes + extra) + "foo" + new string(' ', run * maxBytes + extra) + "!");
            }
        }

        foreach (string text in texts)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            var stream = new WordStream(maxBytes);
            var starts = new List<int> { 0 };
            int largest = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                int k = stream.Append(bytes[i]);
                if (i > 0 && k > 0)
                {
                    starts.Add(i + 1 - k);
                }

                largest = Math.Max(largest, stream.BufferedBytes);
            }

            Assert.True(WordSplitter.GetWordSpans(bytes, maxBytes).Starts.ToArray().SequenceEqual(starts), $"{Escape(text[..Math.Min(40, text.Length)])}…: the stream's words differ from the split's");
            // The split goes back no further than the last cut: context, at most one word and the unfilled buffer.
            Assert.True(largest <= 2 * 128 + WordStream.ContextBytes + maxBytes, $"{Escape(text[..Math.Min(40, text.Length)])}…: the stream held {largest} bytes");
        }
    }

    private static string Escape(string s) =>
        string.Concat(s.EnumerateRunes().Select(r => r.Value is >= 0x20 and < 0x7F ? r.ToString() : $"\\u{{{r.Value:X4}}}"));
}
