using System;

namespace Torchwright.Runtime.Text.Words;

/// <summary>
/// The default word boundaries of Unicode Standard Annex #29 (rules WB1–WB999, Unicode 16.0), with no
/// dictionary or tailoring: the segmentation that the reference HAT splitter gets from the Rust crate
/// unicode-segmentation (<c>split_word_bounds</c>).
/// </summary>
internal static class UnicodeWordBoundaries
{
    /// <summary>
    /// Marks in <paramref name="breakBefore"/> every scalar that starts a segment. Rules may look at
    /// scalars before <paramref name="from"/> (context), but only positions after it are decided;
    /// <c>breakBefore[from]</c> is always true.
    /// </summary>
    /// <param name="props">Packed properties (<see cref="WordBreakData.Lookup"/>) of each scalar.</param>
    /// <param name="from">First scalar to segment.</param>
    /// <param name="breakBefore">Receives the result for indices <c>from..props.Length-1</c>.</param>
    internal static void Mark(ReadOnlySpan<byte> props, int from, Span<bool> breakBefore)
    {
        if (from >= props.Length)
        {
            return;
        }

        breakBefore[from] = true;
        for (int i = from + 1; i < props.Length; i++)
        {
            breakBefore[i] = IsBreak(props, i);
        }
    }

    private static bool IsIgnorable(WordBreakClass c) =>
        c is WordBreakClass.Extend or WordBreakClass.Format or WordBreakClass.ZWJ;

    private static bool IsNewline(WordBreakClass c) =>
        c is WordBreakClass.CR or WordBreakClass.LF or WordBreakClass.Newline;

    private static bool IsAHLetter(WordBreakClass c) =>
        c is WordBreakClass.ALetter or WordBreakClass.HebrewLetter;

    private static bool IsMidNumLetQ(WordBreakClass c) =>
        c is WordBreakClass.MidNumLet or WordBreakClass.SingleQuote;

    private static WordBreakClass ClassAt(ReadOnlySpan<byte> props, int i) => WordBreakData.ClassOf(props[i]);

    /// <summary>Whether there is a boundary between scalar <paramref name="i"/>-1 and scalar <paramref name="i"/>.</summary>
    private static bool IsBreak(ReadOnlySpan<byte> props, int i)
    {
        WordBreakClass prev = ClassAt(props, i - 1);
        WordBreakClass cur = ClassAt(props, i);

        // WB3: CR × LF. WB3a/WB3b: break after and before newlines.
        if (prev == WordBreakClass.CR && cur == WordBreakClass.LF)
        {
            return false;
        }

        if (IsNewline(prev) || IsNewline(cur))
        {
            return true;
        }

        // WB3c: ZWJ × \p{Extended_Pictographic}.
        if (prev == WordBreakClass.ZWJ && WordBreakData.IsPictographic(props[i]))
        {
            return false;
        }

        // WB3d: keep horizontal whitespace together.
        if (prev == WordBreakClass.WSegSpace && cur == WordBreakClass.WSegSpace)
        {
            return false;
        }

        // WB4: X (Extend | Format | ZWJ)* → X, so never break before an ignorable (newlines handled above).
        if (IsIgnorable(cur))
        {
            return false;
        }

        // The effective left scalar: skip ignorables back to the scalar they attach to. If they follow
        // a newline or the start of text, they attach to nothing and stand alone (WB999 breaks).
        int left = PreviousNonIgnorable(props, i - 1);
        if (left < 0 || (left != i - 1 && IsNewline(ClassAt(props, left))))
        {
            return true;
        }

        WordBreakClass l = ClassAt(props, left);
        WordBreakClass r = cur;

        // WB5: AHLetter × AHLetter.
        if (IsAHLetter(l) && IsAHLetter(r))
        {
            return false;
        }

        // WB6 and WB7b look one non-ignorable scalar ahead; WB7, WB7c and WB11 one behind.
        if (IsAHLetter(l) && (r == WordBreakClass.MidLetter || IsMidNumLetQ(r)) && IsAHLetter(NextClass(props, i)))
        {
            return false; // WB6
        }

        WordBreakClass beforeLeft = BeforeClass(props, left);
        if (IsAHLetter(beforeLeft) && (l == WordBreakClass.MidLetter || IsMidNumLetQ(l)) && IsAHLetter(r))
        {
            return false; // WB7
        }

        if (l == WordBreakClass.HebrewLetter && r == WordBreakClass.SingleQuote)
        {
            return false; // WB7a
        }

        if (l == WordBreakClass.HebrewLetter && r == WordBreakClass.DoubleQuote && NextClass(props, i) == WordBreakClass.HebrewLetter)
        {
            return false; // WB7b
        }

        if (beforeLeft == WordBreakClass.HebrewLetter && l == WordBreakClass.DoubleQuote && r == WordBreakClass.HebrewLetter)
        {
            return false; // WB7c
        }

        // WB8–WB10: letters and digits.
        if ((l == WordBreakClass.Numeric || IsAHLetter(l)) && r == WordBreakClass.Numeric)
        {
            return false;
        }

        if (l == WordBreakClass.Numeric && IsAHLetter(r))
        {
            return false;
        }

        // WB11, WB12: numbers with separators ("3.14", "1,000").
        if (beforeLeft == WordBreakClass.Numeric && (l == WordBreakClass.MidNum || IsMidNumLetQ(l)) && r == WordBreakClass.Numeric)
        {
            return false;
        }

        if (l == WordBreakClass.Numeric && (r == WordBreakClass.MidNum || IsMidNumLetQ(r)) && NextClass(props, i) == WordBreakClass.Numeric)
        {
            return false;
        }

        // WB13: Katakana × Katakana.
        if (l == WordBreakClass.Katakana && r == WordBreakClass.Katakana)
        {
            return false;
        }

        // WB13a, WB13b: connectors such as '_'.
        if (r == WordBreakClass.ExtendNumLet && (IsAHLetter(l) || l is WordBreakClass.Numeric or WordBreakClass.Katakana or WordBreakClass.ExtendNumLet))
        {
            return false;
        }

        if (l == WordBreakClass.ExtendNumLet && (IsAHLetter(r) || r is WordBreakClass.Numeric or WordBreakClass.Katakana))
        {
            return false;
        }

        // WB15, WB16: regional indicators pair up into flags.
        if (l == WordBreakClass.RegionalIndicator && r == WordBreakClass.RegionalIndicator)
        {
            int run = 0;
            for (int k = left; k >= 0 && ClassAt(props, k) == WordBreakClass.RegionalIndicator; k = PreviousNonIgnorable(props, k - 1))
            {
                run++;
            }

            return run % 2 == 0;
        }

        return true; // WB999
    }

    /// <summary>The last index at or before <paramref name="i"/> that is not Extend, Format or ZWJ; -1 if none.</summary>
    private static int PreviousNonIgnorable(ReadOnlySpan<byte> props, int i)
    {
        while (i >= 0 && IsIgnorable(ClassAt(props, i)))
        {
            i--;
        }

        return i;
    }

    /// <summary>The class of the scalar that the ignorables after <paramref name="i"/> lead to (WB4 look-ahead).</summary>
    private static WordBreakClass NextClass(ReadOnlySpan<byte> props, int i)
    {
        for (int k = i + 1; k < props.Length; k++)
        {
            WordBreakClass c = ClassAt(props, k);
            if (!IsIgnorable(c))
            {
                return c;
            }
        }

        return WordBreakClass.Other;
    }

    /// <summary>The effective class of the scalar before the non-ignorable scalar <paramref name="left"/> (WB4 look-behind).</summary>
    private static WordBreakClass BeforeClass(ReadOnlySpan<byte> props, int left)
    {
        int k = PreviousNonIgnorable(props, left - 1);
        if (k < 0)
        {
            return WordBreakClass.Other;
        }

        // Ignorables after a newline stand alone: they are not the letter or digit that WB7/WB11 need.
        return k != left - 1 && IsNewline(ClassAt(props, k)) ? WordBreakClass.Extend : ClassAt(props, k);
    }
}
