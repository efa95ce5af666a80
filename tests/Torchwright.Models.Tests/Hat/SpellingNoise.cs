using System;
using System.Text;

namespace Torchwright.Models.Tests.Hat;

/// <summary>
/// Injects spelling mistakes: each word of two or more letters is, with probability <c>rate</c>, edited once at a
/// random place — two neighbouring letters swapped, a letter dropped, or a letter doubled (equally likely).
/// </summary>
internal static class SpellingNoise
{
    public static string Apply(string text, double rate, int seed)
    {
        var random = new Random(seed);
        var output = new StringBuilder(text.Length + text.Length / 8);
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                output.Append(text[i++]);
                continue;
            }
            int start = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }
            var word = text.AsSpan(start, i - start);
            if (word.Length < 2 || random.NextDouble() >= rate)
            {
                output.Append(word);
                continue;
            }
            int at = random.Next(word.Length - 1);
            switch (random.Next(3))
            {
                case 0: // swap
                    output.Append(word[..at]).Append(word[at + 1]).Append(word[at]).Append(word[(at + 2)..]);
                    break;
                case 1: // drop
                    output.Append(word[..at]).Append(word[(at + 1)..]);
                    break;
                default: // double
                    output.Append(word[..(at + 1)]).Append(word[at]).Append(word[(at + 1)..]);
                    break;
            }
        }
        return output.ToString();
    }
}
