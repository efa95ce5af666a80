using System;
using System.Text;

namespace Torchwright.Runtime.Text;

/// <summary>
/// Deterministic English-like prose from a small grammar: enough structure (words, agreement,
/// punctuation, recurring phrases) for a tiny byte-level model to learn visibly within a minute.
/// </summary>
public static class SyntheticText
{
    private static readonly string[] Subjects = { "the old sailor", "a quiet engineer", "my neighbour", "the young fox", "every student", "the tired baker", "a curious child", "the small robot", "our teacher", "the night guard" };
    private static readonly string[] Verbs = { "finds", "builds", "remembers", "carries", "paints", "watches", "repairs", "writes", "follows", "counts" };
    private static readonly string[] Objects = { "a red lantern", "the broken clock", "seven blue stones", "an empty boat", "the long letter", "a warm loaf of bread", "the winding road", "a map of the stars", "the silver key", "a field of wheat" };
    private static readonly string[] Places = { "near the harbour", "in the morning", "under the bridge", "before the rain", "after dinner", "at the edge of town", "in the library", "beside the river", "on a cold day", "without a word" };
    private static readonly string[] Closings = { "and smiles.", "and goes home.", "because it is late.", "while the bells ring.", "and nobody notices.", "as the sun sets.", "and writes it down.", "before anyone wakes." };

    /// <summary>Generates at least <paramref name="minimumLength"/> characters of text.</summary>
    /// <param name="minimumLength">How much text to produce, in characters.</param>
    /// <param name="seed">The same seed gives the same text.</param>
    public static string Generate(int minimumLength, int seed = 7)
    {
        var random = new Random(seed);
        var text = new StringBuilder(minimumLength + 200);
        while (text.Length < minimumLength)
        {
            var subject = Pick(random, Subjects);
            text.Append(char.ToUpperInvariant(subject[0])).Append(subject, 1, subject.Length - 1)
                .Append(' ').Append(Pick(random, Verbs))
                .Append(' ').Append(Pick(random, Objects))
                .Append(' ').Append(Pick(random, Places))
                .Append(' ').Append(Pick(random, Closings))
                .Append(random.Next(4) == 0 ? "\n" : " ");
        }
        return text.ToString();
    }

    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];
}
