using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Torchwright.Runtime.Text;

/// <summary>Real text from the <c>fortunes</c> packages, when the machine has them.</summary>
public static class FortuneText
{
    /// <summary>Where Debian installs the fortune files.</summary>
    public const string DefaultFolder = "/usr/share/games/fortunes";

    /// <summary>
    /// The text of every fortune file in <paramref name="folder"/> (not its subfolders of other languages),
    /// with the <c>%</c> separators turned into blank lines; null when there is none.
    /// </summary>
    /// <param name="folder">The folder to read.</param>
    /// <param name="maximumLength">Stops reading after this many characters.</param>
    public static string? TryLoad(string folder = DefaultFolder, int maximumLength = 4_000_000)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }
        var text = new StringBuilder();
        // Fortune data files have no extension; the .dat and .u8 files beside them are indexes and links.
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => Path.GetExtension(f).Length == 0).OrderBy(f => f, System.StringComparer.Ordinal))
        {
            foreach (var line in ReadLines(file))
            {
                text.Append(line == "%" ? "" : line).Append('\n');
                if (text.Length >= maximumLength)
                {
                    return text.ToString();
                }
            }
        }
        return text.Length > 0 ? text.ToString() : null;
    }

    private static IEnumerable<string> ReadLines(string file)
    {
        try
        {
            return File.ReadAllLines(file, Encoding.UTF8);
        }
        catch (IOException)
        {
            return System.Array.Empty<string>();
        }
    }
}
