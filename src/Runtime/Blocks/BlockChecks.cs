using System;

namespace Torchwright.Runtime.Blocks;

/// <summary>Argument checks shared by the blocks' constructors.</summary>
internal static class BlockChecks
{
    public static void Positive(string name, long value)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, got {value}.");
        }
    }

    public static void Divides(string divisorName, long divisor, string dividendName, long dividend)
    {
        if (dividend % divisor != 0)
        {
            throw new ArgumentException($"{divisorName} ({divisor}) must divide {dividendName} ({dividend}).", divisorName);
        }
    }
}
