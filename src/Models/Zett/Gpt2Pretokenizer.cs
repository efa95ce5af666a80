using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace Torchwright.Models.Zett;

/// <summary>
/// GPT-2's pre-tokenizer: contractions, letter runs, digit runs and punctuation runs each with an optional
/// leading space, and whitespace runs that leave their last space to the following word. BPE never merges
/// across the pieces it returns, and neither does dynamic tokenization.
/// </summary>
public static class Gpt2Pretokenizer
{
    // A compiled Regex rather than [GeneratedRegex]: the model sources are also compiled by the analyzer tests and the
    // fuzzer with Torchwright's generator alone, where a generated-regex partial would have no implementation.
    private static readonly Regex Compiled = new(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private static Regex Pattern() => Compiled;

    /// <summary>The pretokens of <paramref name="text"/>, as UTF-8 bytes, in order; together they are the whole text.</summary>
    /// <param name="text">Any text.</param>
    public static List<byte[]> Split(string text)
    {
        var pieces = new List<byte[]>();
        foreach (Match match in Pattern().Matches(text))
        {
            pieces.Add(Encoding.UTF8.GetBytes(match.Value));
        }
        return pieces;
    }

    /// <summary>Whether <paramref name="piece"/> stays one pretoken (the reference's rule for a valid merge).</summary>
    /// <param name="piece">UTF-8 bytes; invalid UTF-8 fragments count as one pretoken.</param>
    public static bool IsSinglePretoken(byte[] piece)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(piece);
        }
        catch (DecoderFallbackException)
        {
            return true;
        }
        var match = Pattern().Match(text);
        return match.Success && match.Index == 0 && match.Length == text.Length;
    }
}
