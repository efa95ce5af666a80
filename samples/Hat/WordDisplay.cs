using System.Text;
using Spectre.Console;
using Torchwright.Runtime.Text.Words;

namespace Torchwright.Samples.Hat;

/// <summary>Shows words as HAT sees them: each in its own colour, with spaces and line breaks made visible.</summary>
internal static class WordDisplay
{
    private static readonly string[] Colours = { "deepskyblue1", "orange1", "springgreen2", "hotpink", "yellow" };

    /// <summary>A table of the words of <paramref name="sentence"/> with their bytes.</summary>
    public static Table SplitTable(string sentence, int maxWordBytes)
    {
        var table = new Table().AddColumns("#", "word", "bytes");
        var words = WordSplitter.SplitWithLimit(sentence, maxWordBytes);
        for (int i = 0; i < words.Count; i++)
        {
            table.AddRow(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Coloured(words[i], i), words[i].Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return table;
    }

    /// <summary>Markup for one word, coloured by its index.</summary>
    public static string Coloured(byte[] word, int index)
        => $"[{Colours[index % Colours.Length]}]{Markup.Escape(Visible(word))}[/]";

    private static string Visible(byte[] word)
        => Encoding.UTF8.GetString(word).Replace(' ', '·').Replace("\n", "⏎").Replace("\t", "⇥");
}
