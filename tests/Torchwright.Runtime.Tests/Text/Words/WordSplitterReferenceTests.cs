using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Torchwright.Runtime.Text.Words;
using Xunit;

namespace Torchwright.Runtime.Tests.Text.Words;

/// <summary>Agreement with outputs of the reference implementation (see <see cref="ReferenceCases"/>).</summary>
public class WordSplitterReferenceTests
{
    // Source: hat-splitter src/split.rs, test constant STRANGE_STUFF.
    internal const string StrangeStuff =
        "𓀀✨𝒜𝓁𝑔𝑜𝓇𝒾𝓉𝒽𝓂 شْء 你好吗 こんにちは 안녕하세요 𞤢𞤭𞤤 𝔽(λx.𝑥²) 🤖🍕⟨𝛴, 𝜋⟩ 🜚 𝔽↦𝑒ⁿω₀📡;𝑧𝑎<𝔱𝓇𝑢∃>🛠️ҀЋހ±(Δ𝓧) 乁( •_• )ㄏ   ⿰木日👾";

    internal sealed record Case(string Kind, string Text, int[] Segments, int[] Words, int[] Chunks5);

    internal static IReadOnlyList<Case> All { get; } = Parse();

    [Fact]
    public void Reference_data_is_complete()
    {
        Assert.Equal(1823, All.Count(c => c.Kind == "wb"));
        Assert.Equal(33, All.Count(c => c.Kind == "text"));
        Assert.Equal(400, All.Count(c => c.Kind == "random"));
    }

    [Fact]
    public void Unicode_word_segments_match_the_reference()
    {
        AssertAll(c => c.Segments, c => WordSplitter.SplitUnicodeWords(c.Text).Select(Utf8Length));
    }

    [Fact]
    public void Words_match_the_reference()
    {
        AssertAll(c => c.Words, c => WordSplitter.Split(c.Text).Select(Utf8Length));
    }

    [Fact]
    public void Chunks_match_the_reference()
    {
        AssertAll(c => c.Chunks5, c => WordSplitter.SplitWithLimit(c.Text, 5).Select(b => b.Length));
        AssertAll(c => c.Chunks5, c => WordSplitter.GetWordSpans(Encoding.UTF8.GetBytes(c.Text), 5).Lengths.ToArray());
    }

    // src/split.rs `it_handles_strange_stuff` and `it_is_causal`: splitting any prefix (at a character
    // boundary) gives words that are prefixes of the words of the whole text.
    [Fact]
    public void Strange_stuff_is_split_causally()
    {
        const int limit = 1024;
        byte[][] full = WordSplitter.SplitWithLimit(StrangeStuff, limit).ToArray();
        Assert.Equal(Encoding.UTF8.GetBytes(StrangeStuff), full.SelectMany(w => w));
        Assert.Contains(full, w => Encoding.UTF8.GetString(w) == " 你");
        for (int i = 0; i < StrangeStuff.Length; i++)
        {
            if (char.IsLowSurrogate(StrangeStuff[i]))
            {
                continue;
            }

            byte[][] partial = WordSplitter.SplitWithLimit(StrangeStuff[..i], limit).ToArray();
            for (int w = 0; w < Math.Min(partial.Length, full.Length); w++)
            {
                Assert.True(full[w].AsSpan().StartsWith(partial[w]), $"prefix of {i} chars, word {w}");
            }
        }
    }

    private static void AssertAll(Func<Case, int[]> expected, Func<Case, IEnumerable<int>> actual)
    {
        var failures = new List<string>();
        foreach (Case c in All)
        {
            int[] got = actual(c).ToArray();
            if (!got.SequenceEqual(expected(c)))
            {
                failures.Add($"{c.Kind} {Escape(c.Text)}: expected {string.Join(",", expected(c))}, got {string.Join(",", got)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} cases differ:\n" + string.Join("\n", failures.Take(20)));
    }

    private static int Utf8Length(string s) => Encoding.UTF8.GetByteCount(s);

    private static string Escape(string s) =>
        string.Concat(s.EnumerateRunes().Select(r => r.Value is >= 0x20 and < 0x7F ? r.ToString() : $"\\u{{{r.Value:X4}}}"));

    private static List<Case> Parse()
    {
        var cases = new List<Case>();
        foreach (string raw in ReferenceCases.Data.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(';');
            var text = new StringBuilder();
            foreach (string cp in fields[1].Split(' '))
            {
                text.Append(char.ConvertFromUtf32(int.Parse(cp, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            cases.Add(new Case(fields[0], text.ToString(), Lengths(fields[2]), Lengths(fields[3]), Lengths(fields[4])));
        }

        return cases;
    }

    private static int[] Lengths(string field) =>
        field.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
