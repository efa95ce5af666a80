namespace Torchwright.Models.Hat;

/// <summary>
/// HAT's vocabulary is the 256 byte values. Special tokens take byte values that never occur in valid UTF-8
/// (0xC0, 0xC1 and 0xF5–0xFF), so they can never be confused with text.
/// </summary>
public static class HatVocabulary
{
    /// <summary>Number of byte values.</summary>
    public const int Size = 256;

    /// <summary>End of text (the reference's <c>&lt;|eot_id|&gt;</c>, 192 = 0xC0).</summary>
    public const byte EndOfText = 0xC0;

    /// <summary>Whether <paramref name="value"/> can never appear in valid UTF-8 and so is free for special tokens.</summary>
    /// <param name="value">A byte value.</param>
    public static bool IsSpecial(byte value) => value is 0xC0 or 0xC1 || value >= 0xF5;
}
