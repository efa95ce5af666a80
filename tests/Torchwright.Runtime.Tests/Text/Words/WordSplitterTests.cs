using System;
using System.Linq;
using System.Text;
using Torchwright.Runtime.Text.Words;
using Xunit;

namespace Torchwright.Runtime.Tests.Text.Words;

// Expected values not marked otherwise were checked against the reference implementation
// (hat-splitter v0.1.10 src/split.rs, built and run on the same inputs).
public class WordSplitterTests
{
    private static string[] Split(string text) => WordSplitter.Split(text).ToArray();

    private static string[] Chunks(string text, int maxBytes) =>
        WordSplitter.SplitWithLimit(text, maxBytes).Select(b => Encoding.UTF8.GetString(b)).ToArray();

    // Source: hat-splitter DOCS.md / README usage example and src/split.rs test `it_works`.
    [Fact]
    public void Documented_example_split()
    {
        Assert.Equal(new[] { "Hello,", " world!" }, Split("Hello, world!"));
    }

    // Source: hat-splitter DOCS.md usage example: split_with_limit("Hello, world!", 4).
    [Fact]
    public void Documented_example_split_with_limit()
    {
        var chunks = WordSplitter.SplitWithLimit("Hello, world!", 4);
        Assert.Equal(new[] { "Hell", "o,", " wor", "ld!" }, chunks.Select(c => Encoding.ASCII.GetString(c)));
    }

    [Fact]
    public void Default_limit_is_100_bytes()
    {
        Assert.Equal(100, WordSplitter.DefaultMaxWordBytes);
        string longWord = new('a', 250);
        Assert.Equal(new[] { 100, 100, 50 }, WordSplitter.SplitWithLimit(longWord).Select(c => c.Length));
    }

    [Theory]
    [InlineData("helloWorld", new[] { "hello", "World" })]
    [InlineData("hello helloWorld", new[] { "hello", " hello", "World" })]
    [InlineData("howAreYou", new[] { "how", "Are", "You" })] // src/split.rs `it_splits_camel_case`
    [InlineData("iPhone", new[] { "i", "Phone" })]
    [InlineData("XMLHttpRequest", new[] { "XMLHttp", "Request" })]
    [InlineData("how_are_you", new[] { "how_", "are_", "you" })] // src/split.rs `it_splits_snake_case`
    [InlineData("foo_bar baz-qux", new[] { "foo_", "bar", " baz-", "qux" })]
    public void CamelCase_and_connectors(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    [Theory]
    [InlineData("hello world", new[] { "hello", " world" })]
    [InlineData("hello   world", new[] { "hello", "   ", "world" })]
    [InlineData("hello\tworld", new[] { "hello", "\t", "world" })]
    [InlineData("hello\nworld", new[] { "hello", "\n", "world" })]
    [InlineData("hello \n\nworld", new[] { "hello", " ", "\n", "\n", "world" })]
    [InlineData("a\r\nb", new[] { "a", "\r\n", "b" })]
    [InlineData("  leading", new[] { "  ", "leading" })]
    [InlineData("trailing  ", new[] { "trailing", "  " })]
    [InlineData("x\u00A0y", new[] { "x", "\u00A0", "y" })]
    [InlineData("x\u3000y", new[] { "x", "\u3000", "y" })]
    [InlineData(" ", new[] { " " })]
    [InlineData("\n", new[] { "\n" })]
    public void Whitespace_and_newlines(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    [Theory]
    [InlineData("Wait...what?!", new[] { "Wait...", "what?!" })]
    [InlineData("(hello)", new[] { "(", "hello)" })]
    [InlineData("\"Quoted,\" he said.", new[] { "\"", "Quoted,\"", " he", " said." })]
    [InlineData("x -- y", new[] { "x", " --", " y" })]
    [InlineData("!!!", new[] { "!!!" })]
    [InlineData(" !", new[] { " !" })]
    [InlineData("U.S.A.", new[] { "U.", "S.", "A." })]
    public void Punctuation_runs(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    // Digits stay together, but the reference cuts after every punctuation character,
    // so decimals, thousands separators and apostrophes end a word.
    [Theory]
    [InlineData("0123456789", new[] { "0123456789" })]
    [InlineData("3.14", new[] { "3.", "14" })]
    [InlineData("3.14.15", new[] { "3.", "14.", "15" })]
    [InlineData("1,000", new[] { "1,", "000" })]
    [InlineData("v1.2.3", new[] { "v1.", "2.", "3" })]
    [InlineData("don't", new[] { "don'", "t" })]
    [InlineData("rock'n'roll", new[] { "rock'", "n'", "roll" })]
    [InlineData("1\u20442", new[] { "1\u20442" })] // FRACTION SLASH is MidNum but not punctuation (Sm)
    public void Digits_decimals_and_apostrophes(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    [Theory]
    [InlineData("Привет, мир!", new[] { "Привет,", " мир!" })]
    [InlineData("Γειά σου κόσμε.", new[] { "Γειά", " σου", " κόσμε." })]
    [InlineData("Größe", new[] { "Größe" })]
    [InlineData("naïve café", new[] { "naïve", " café" })]
    [InlineData("שלום עולם", new[] { "שלום", " עולם" })]
    [InlineData("مرحبا بالعالم", new[] { "مرحبا", " بالعالم" })]
    [InlineData("नमस्ते दुनिया", new[] { "नमस्ते", " दुनिया" })]
    [InlineData("안녕하세요 세계", new[] { "안녕하세요", " 세계" })]
    public void Alphabetic_scripts(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    // UAX #29 without a dictionary (as the reference, which dropped ICU's dictionary segmenter because it is
    // not causal): every ideograph, hiragana and Thai letter is a word; katakana runs stay together (WB13).
    [Theory]
    [InlineData("你好吗", new[] { "你", "好", "吗" })]
    [InlineData("你好，世界！", new[] { "你", "好，", "世", "界！" })]
    [InlineData("こんにちは", new[] { "こ", "ん", "に", "ち", "は" })]
    [InlineData("カタカナ", new[] { "カタカナ" })]
    [InlineData("東京タワー", new[] { "東", "京", "タワー" })]
    [InlineData("ภาษาไทย", new[] { "ภ", "า", "ษ", "า", "ไ", "ท", "ย" })]
    public void Chinese_Japanese_Thai(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    [Fact]
    public void Mixed_scripts()
    {
        Assert.Equal(new[] { "Hello", "世", "界", "Привет123" }, Split("Hello世界Привет123"));
    }

    [Theory]
    [InlineData("👍🏼", new[] { "👍🏼" })]
    [InlineData("👨‍👩‍👧", new[] { "👨‍👩‍👧" })]
    [InlineData("🇩🇪🇫🇷", new[] { "🇩🇪", "🇫🇷" })]
    [InlineData("I ❤️ you", new[] { "I", " ❤️", " you" })]
    [InlineData("😀😀", new[] { "😀", "😀" })]
    [InlineData("ab 😀!", new[] { "ab", " 😀!" })]
    public void Emoji(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    [Fact]
    public void Empty_input_gives_no_words()
    {
        Assert.Empty(WordSplitter.Split(""));  // src/split.rs `it_handles_empty_input`
        Assert.Empty(WordSplitter.SplitWithLimit("", 4));
        Assert.Equal(0, WordSplitter.GetWordSpans(ReadOnlySpan<byte>.Empty).Count);
    }

    // src/split.rs `it_limits_word_size`.
    [Fact]
    public void Limit_cuts_long_words()
    {
        Assert.Equal(new[] { "verylongwo", "rd" }, Chunks("verylongword", 10));
    }

    // src/split.rs `it_does_not_split_unicode_where_possible`: a chunk backs off to a character boundary.
    [Fact]
    public void Limit_keeps_characters_whole_when_it_can()
    {
        Assert.Equal(new[] { "f", "ü", "r" }, Chunks("für", 2));
        Assert.Equal(new[] { "Пр", "ив", "ет" }, Chunks("Привет", 5));
        Assert.Equal(new[] { "👨\u200D", "👩\u200D", "👧" }, Chunks("👨‍👩‍👧", 8));
        Assert.Equal(new[] { "Grö", "ße" }, Chunks("Größe", 4));
    }

    // src/split.rs `it_splits_large_unicode_characters`: with a limit below a character's length the
    // character is cut at the limit, and the chunks are then not valid UTF-8.
    [Fact]
    public void Limit_cuts_a_character_longer_than_the_limit()
    {
        Assert.Equal(2, WordSplitter.SplitWithLimit("🌝", 2).Count);
        Assert.Equal(new[] { 3, 1, 3, 1 }, WordSplitter.SplitWithLimit("🌝🌝", 3).Select(c => c.Length));
        Assert.Equal(new[] { 1, 1, 1, 1 }, WordSplitter.SplitWithLimit("🌝", 1).Select(c => c.Length));
    }

    // src/split.rs `it_handles_zero_max_bytes` (the reference panics).
    [Fact]
    public void Limit_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WordSplitter.SplitWithLimit("abc", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WordSplitter.GetWordSpans("abc"u8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WordStream(0));
    }

    [Fact]
    public void Word_spans_of_the_documented_example()
    {
        WordSpans spans = WordSplitter.GetWordSpans("Hello, world!"u8);
        Assert.Equal(2, spans.Count);
        Assert.Equal(13, spans.ByteCount);
        Assert.Equal(new[] { 0, 6 }, spans.Starts.ToArray());
        Assert.Equal(new[] { 6, 7 }, spans.Lengths.ToArray());
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1 }, spans.WordOfByte.ToArray());
        Assert.Equal(new WordSpan(6, 7), spans[1]);
        Assert.Equal(13, spans[1].End);

        WordSpans limited = WordSplitter.GetWordSpans("Hello, world!"u8, 4);
        Assert.Equal(new[] { 0, 4, 6, 10 }, limited.Starts.ToArray());
        Assert.Equal(new[] { 4, 2, 4, 3 }, limited.Lengths.ToArray());
    }

    [Fact]
    public void Word_spans_of_multibyte_text_count_bytes()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("Привет, мир!");
        WordSpans spans = WordSplitter.GetWordSpans(utf8);
        Assert.Equal(new[] { 0, 13 }, spans.Starts.ToArray());
        Assert.Equal(new[] { 13, 8 }, spans.Lengths.ToArray());
        Assert.Equal(1, spans.WordOfByte[13]);
        Assert.Equal(0, spans.WordOfByte[12]);
    }

    [Fact]
    public void Invalid_utf8_is_read_as_replacement_characters_and_kept()
    {
        // "ab", a stray continuation byte, " cd", a truncated 3-byte sequence.
        byte[] bytes = { (byte)'a', (byte)'b', 0x80, (byte)' ', (byte)'c', (byte)'d', 0xE4, 0xB8 };
        WordSpans spans = WordSplitter.GetWordSpans(bytes);
        Assert.Equal(bytes.Length, spans.Lengths.ToArray().Sum());
        // U+FFFD is a symbol (Word): "ab" | U+FFFD | " cd" | U+FFFD, like splitting the lossy decoding.
        Assert.Equal(new[] { 0, 2, 3, 6 }, spans.Starts.ToArray());
    }

    [Fact]
    public void Lone_surrogates_are_kept_in_split_and_encoded_as_replacement_in_chunks()
    {
        string text = "ab\uD800 cd";
        Assert.Equal(text, string.Concat(WordSplitter.Split(text)));
        Assert.Equal(new[] { "ab", "\uD800", " cd" }, Split(text));
        byte[] joined = WordSplitter.SplitWithLimit(text, 100).SelectMany(c => c).ToArray();
        Assert.Equal(Encoding.UTF8.GetBytes(text), joined);
    }

    [Theory]
    [InlineData("Hello, world!", new[] { "Hello", ",", " ", "world", "!" })]
    [InlineData("3.14 don't", new[] { "3.14", " ", "don't" })]
    [InlineData("你好", new[] { "你", "好" })]
    [InlineData("a  b", new[] { "a", "  ", "b" })]
    public void Unicode_word_segments_alone(string text, string[] expected)
    {
        Assert.Equal(expected, WordSplitter.SplitUnicodeWords(text).ToArray());
    }
}
