using System;
using System.Collections.Generic;
using System.Text;

namespace Torchwright.Models.MrT5;

/// <summary>
/// MrT5's simple diagnostic task: random strings of ASCII letters (both cases, as in the reference); the target is the
/// input without its vowels. The vowels carry no information for the output, so a good delete gate removes them.
/// </summary>
public static class VowelRemoval
{
    private const string Vowels = "aeiouAEIOU";
    private const string Consonants = "bcdfghjklmnpqrstvwxyzBCDFGHJKLMNPQRSTVWXYZ";

    /// <summary>Whether <paramref name="c"/> is one of a, e, i, o, u in either case.</summary>
    /// <param name="c">A character.</param>
    public static bool IsVowel(char c) => Vowels.Contains(c, StringComparison.Ordinal);

    /// <summary>Draws examples: each letter is a vowel with probability <paramref name="vowelProbability"/>.</summary>
    /// <param name="random">The source of randomness (seed it for reproducible data).</param>
    /// <param name="count">Number of examples.</param>
    /// <param name="minLength">Shortest input, in letters.</param>
    /// <param name="maxLength">Longest input, in letters.</param>
    /// <param name="vowelProbability">Chance that a letter is a vowel.</param>
    /// <returns>(input, input without vowels) pairs.</returns>
    public static IReadOnlyList<(string Source, string Target)> Sample(Random random, int count, int minLength = 48, int maxLength = 48, double vowelProbability = 0.3)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (count <= 0 || minLength <= 0 || maxLength < minLength)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Need count > 0 and 0 < minLength <= maxLength, got {count}, {minLength}, {maxLength}.");
        }
        if (!(vowelProbability >= 0 && vowelProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(vowelProbability), vowelProbability, "The vowel probability must be in [0, 1].");
        }
        var examples = new List<(string, string)>(count);
        var source = new StringBuilder(maxLength);
        var target = new StringBuilder(maxLength);
        for (var n = 0; n < count; n++)
        {
            source.Clear();
            target.Clear();
            var length = random.Next(minLength, maxLength + 1);
            for (var i = 0; i < length; i++)
            {
                if (random.NextDouble() < vowelProbability)
                {
                    source.Append(Vowels[random.Next(Vowels.Length)]);
                }
                else
                {
                    var consonant = Consonants[random.Next(Consonants.Length)];
                    source.Append(consonant);
                    target.Append(consonant);
                }
            }
            examples.Add((source.ToString(), target.ToString()));
        }
        return examples;
    }
}
