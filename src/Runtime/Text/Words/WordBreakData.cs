using System;

namespace Torchwright.Runtime.Text.Words;

/// <summary>The values of the Unicode Word_Break property (UAX #29, table 3).</summary>
/// <remarks>The numeric order is fixed by generate-word-break-data.mjs, which emits the tables.</remarks>
internal enum WordBreakClass : byte
{
    Other = 0,
    CR = 1,
    LF = 2,
    Newline = 3,
    Extend = 4,
    ZWJ = 5,
    RegionalIndicator = 6,
    Format = 7,
    Katakana = 8,
    HebrewLetter = 9,
    ALetter = 10,
    SingleQuote = 11,
    DoubleQuote = 12,
    MidNumLet = 13,
    MidLetter = 14,
    MidNum = 15,
    Numeric = 16,
    ExtendNumLet = 17,
    WSegSpace = 18,
}

/// <summary>Lookup of the Word_Break and Extended_Pictographic properties of a code point.</summary>
internal static partial class WordBreakData
{
    private const byte ClassMask = 0x1F;
    private const byte PictographicBit = 0x20;

    /// <summary>Properties of U+0000..U+00FF, looked up directly.</summary>
    private static readonly byte[] Latin1 = BuildLatin1();

    /// <summary>Returns the packed properties of <paramref name="codePoint"/>: class in the low bits, 0x20 if pictographic.</summary>
    internal static byte Lookup(int codePoint)
    {
        if ((uint)codePoint < 0x100)
        {
            return Latin1[codePoint];
        }

        return Search(codePoint);
    }

    /// <summary>The Word_Break class in a packed value from <see cref="Lookup"/>.</summary>
    internal static WordBreakClass ClassOf(byte packed) => (WordBreakClass)(packed & ClassMask);

    /// <summary>Whether a packed value from <see cref="Lookup"/> has Extended_Pictographic.</summary>
    internal static bool IsPictographic(byte packed) => (packed & PictographicBit) != 0;

    private static byte Search(int codePoint)
    {
        ReadOnlySpan<int> starts = RangeStarts;
        int lo = 0;
        int hi = starts.Length - 1;
        while (lo < hi)
        {
            // Find the last range whose start is <= codePoint.
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= codePoint)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return RangeValues[lo];
    }

    private static byte[] BuildLatin1()
    {
        var table = new byte[0x100];
        for (int cp = 0; cp < table.Length; cp++)
        {
            table[cp] = Search(cp);
        }

        return table;
    }
}
