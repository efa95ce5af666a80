using System;

namespace Torchwright.Samples;

/// <summary>Reads a sample's options so that a bad command line ends with its reason, not a stack trace.</summary>
internal static class CommandLine
{
    /// <summary>Runs <paramref name="parse"/>; on an unknown option or an unreadable value prints why and returns false
    /// (the sample then exits with code 2).</summary>
    public static bool TryRead<T>(Func<T> parse, out T options)
    {
        try
        {
            options = parse();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            options = default!;
            return false;
        }
    }
}
