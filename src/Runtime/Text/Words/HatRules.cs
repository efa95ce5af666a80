using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Torchwright.Runtime.Text.Words;

/// <summary>
/// Steps 2–5 of the HAT splitting rule on top of the UAX #29 segments (step 1), and the byte limit.
/// Works on scalar indices of a <see cref="ScalarText"/>; see <see cref="WordSplitter"/> for the rules.
/// </summary>
internal static class HatRules
{
    private enum Kind : byte
    {
        None,
        Word,
        Punctuation,
        Whitespace,
        Space,
    }

    /// <summary>
    /// Adds to <paramref name="groupStarts"/> the scalar index at which each word (group) of
    /// <c>text[from..]</c> starts; the first is <paramref name="from"/>. Scalars before
    /// <paramref name="from"/> only serve as context for the UAX #29 rules.
    /// </summary>
    internal static void GroupStarts(ScalarText text, int from, List<int> groupStarts)
    {
        int n = text.Count;
        if (from >= n)
        {
            return;
        }

        int[] cps = text.CodePoints;
        bool[] cut = new bool[n + 1];

        // Step 1: UAX #29 word segments.
        UnicodeWordBoundaries.Mark(text.Props, from, cut);

        // Step 2 (reference: split_punctuation, then split_camel_case): cut after every punctuation
        // scalar and between a lowercase and an uppercase letter.
        for (int i = from + 1; i < n; i++)
        {
            if (!cut[i])
            {
                UnicodeCategory before = Category(cps[i - 1]);
                cut[i] = IsPunctuation(before)
                    || (before == UnicodeCategory.LowercaseLetter && Category(cps[i]) == UnicodeCategory.UppercaseLetter);
            }
        }

        cut[n] = true;

        // Steps 3–5 in one pass over the pieces: merge single spaces into a preceding run of spaces,
        // classify each resulting token, and group tokens.
        Kind last = Kind.None;
        int tokenStart = from;
        bool tokenAllSpaces = false;
        int pieceStart = from;
        for (int i = from + 1; i <= n; i++)
        {
            if (!cut[i])
            {
                continue;
            }

            // The piece is cps[pieceStart..i).
            bool pieceIsSpace = i - pieceStart == 1 && cps[pieceStart] == ' ';
            if (pieceStart > tokenStart && pieceIsSpace && tokenAllSpaces)
            {
                // Step 3: " " joins the token before it when that token is all spaces.
                pieceStart = i;
                continue;
            }

            if (pieceStart > tokenStart)
            {
                last = Emit(text, tokenStart, pieceStart, last, groupStarts);
            }

            tokenStart = pieceStart;
            tokenAllSpaces = AllSpaces(cps, pieceStart, i);
            pieceStart = i;
        }

        Emit(text, tokenStart, n, last, groupStarts);
    }

    /// <summary>
    /// Adds to <paramref name="wordStarts"/> the start offset of every chunk when each group of at most
    /// <paramref name="maxBytes"/> code units is kept whole and a longer one is cut into chunks of at most
    /// <paramref name="maxBytes"/>, each ending at a scalar boundary when one is available.
    /// </summary>
    /// <param name="offsets">Scalar start offsets and the total length (see <see cref="ScalarText.Offsets"/>).</param>
    /// <param name="groupStarts">Scalar indices of group starts, ascending.</param>
    /// <param name="count">Number of scalars.</param>
    /// <param name="maxBytes">The limit, at least 1.</param>
    /// <param name="wordStarts">Receives offsets in code units.</param>
    internal static void Chunk(int[] offsets, List<int> groupStarts, int count, int maxBytes, List<int> wordStarts)
    {
        for (int g = 0; g < groupStarts.Count; g++)
        {
            int firstScalar = groupStarts[g];
            int lastScalar = g + 1 < groupStarts.Count ? groupStarts[g + 1] : count;
            int start = offsets[firstScalar];
            int end = offsets[lastScalar];
            wordStarts.Add(start);
            if (end - start <= maxBytes)
            {
                continue;
            }

            // Reference (split_long_words): take max bytes, then back off to the last character
            // boundary after the chunk start; with none (a character longer than the limit), cut there.
            // Invariant: offsets[scalar] <= start < offsets[scalar + 1].
            int scalar = firstScalar;
            while (end - start > maxBytes)
            {
                int limit = start + maxBytes;
                while (scalar + 1 < lastScalar && offsets[scalar + 1] <= limit)
                {
                    scalar++;
                }

                start = offsets[scalar] > start ? offsets[scalar] : limit;
                wordStarts.Add(start);
            }
        }
    }

    private static Kind Emit(ScalarText text, int start, int end, Kind last, List<int> groupStarts)
    {
        Kind kind = Classify(text.CodePoints, start, end);
        bool join = last != Kind.None
            && ((kind == Kind.Word && last == Kind.Space)
                || (kind == Kind.Punctuation && last is Kind.Space or Kind.Word or Kind.Punctuation));
        if (!join)
        {
            groupStarts.Add(start);
        }

        return kind;
    }

    private static Kind Classify(int[] cps, int start, int end)
    {
        if (end - start == 1 && cps[start] == ' ')
        {
            return Kind.Space;
        }

        bool allWhite = true;
        for (int i = start; i < end && allWhite; i++)
        {
            allWhite = Rune.IsWhiteSpace(new Rune(cps[i]));
        }

        if (allWhite)
        {
            return Kind.Whitespace;
        }

        return end - start == 1 && IsPunctuation(Category(cps[start])) ? Kind.Punctuation : Kind.Word;
    }

    private static bool AllSpaces(int[] cps, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            if (cps[i] != ' ')
            {
                return false;
            }
        }

        return true;
    }

    private static UnicodeCategory Category(int codePoint) => Rune.GetUnicodeCategory(new Rune(codePoint));

    private static bool IsPunctuation(UnicodeCategory category) =>
        category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
}
