using System;

namespace Torchwright.Models.Zett;

/// <summary>
/// Which adjacent pairs dynamic tokenization may merge, after the reference's rules: the merge must stay one
/// GPT-2 pretoken; it must not put a space-like character (<c>Ġ</c>, <c>Ċ</c>, <c>ĉ</c> in GPT-2's byte form)
/// after its first character unless the whole merge is whitespace; and a double newline (<c>ĊĊ</c>) is
/// never made.
/// </summary>
public static class MergeRules
{
    /// <summary>Whether <paramref name="left"/> + <paramref name="right"/> may become one token.</summary>
    /// <param name="left">First token's bytes.</param>
    /// <param name="right">Second token's bytes.</param>
    public static bool IsAllowed(byte[] left, byte[] right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var merged = ByteTokens.Concat(left, right);
        var printable = ByteTokens.Printable(merged);
        if (printable.Contains("ĊĊ", StringComparison.Ordinal))
        {
            return false;
        }
        var allWhitespace = true;
        var spaceAfterFirst = false;
        for (var i = 0; i < printable.Length; i++)
        {
            var spaceLike = printable[i] is 'Ġ' or 'Ċ' or 'ĉ';
            allWhitespace &= spaceLike;
            spaceAfterFirst |= spaceLike && i > 0;
        }
        if (spaceAfterFirst && !allWhitespace)
        {
            return false;
        }
        return Gpt2Pretokenizer.IsSinglePretoken(merged);
    }
}
