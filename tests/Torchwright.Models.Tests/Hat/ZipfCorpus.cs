using System;
using System.Collections.Generic;
using System.Text;

namespace Torchwright.Models.Tests.Hat;

/// <summary>
/// Synthetic text from a Zipf-distributed lexicon of random lowercase words (3–9 letters), separated by
/// spaces, about 10% followed by ',' or '.': its byte unigram entropy is high (≈ 4.6 bits) while a model
/// that learns the lexicon can predict most letters of a word from its first ones.
/// </summary>
internal static class ZipfCorpus
{
    public static string Generate(int minimumLength, int seed = 11, int lexiconSize = 500)
    {
        var random = new Random(seed);
        var lexicon = new string[lexiconSize];
        var seen = new HashSet<string>();
        for (int i = 0; i < lexiconSize; i++)
        {
            string word;
            do
            {
                var letters = new char[3 + random.Next(7)];
                for (int c = 0; c < letters.Length; c++)
                {
                    letters[c] = (char)('a' + random.Next(26));
                }
                word = new string(letters);
            }
            while (!seen.Add(word));
            lexicon[i] = word;
        }

        var cumulative = new double[lexiconSize];
        double total = 0;
        for (int i = 0; i < lexiconSize; i++)
        {
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }
        var text = new StringBuilder(minimumLength + 16);
        while (text.Length < minimumLength)
        {
            int index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            index = Math.Min(index < 0 ? ~index : index, lexiconSize - 1);
            if (text.Length > 0)
            {
                text.Append(' ');
            }
            text.Append(lexicon[index]);
            double mark = random.NextDouble();
            if (mark < 0.05)
            {
                text.Append(',');
            }
            else if (mark < 0.10)
            {
                text.Append('.');
            }
        }
        return text.ToString();
    }

    /// <summary>Entropy of the byte distribution, in bits per byte.</summary>
    public static double UnigramEntropy(ReadOnlySpan<byte> bytes)
    {
        var counts = new long[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }
        double entropy = 0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                double p = (double)count / bytes.Length;
                entropy -= p * Math.Log2(p);
            }
        }
        return entropy;
    }
}
