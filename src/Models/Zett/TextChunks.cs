using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Models.Zett;

/// <summary>Short pieces of a text that start at a word, the documents ZeTT trains and evaluates on.</summary>
public static class TextChunks
{
    /// <summary>Random chunks of about <paramref name="length"/> characters, each starting after a space.</summary>
    /// <param name="text">The corpus.</param>
    /// <param name="count">How many chunks.</param>
    /// <param name="length">Characters per chunk.</param>
    /// <param name="random">Chooses the starts.</param>
    public static List<string> Sample(string text, int count, int length, Random random)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(random);
        if (text.Length < length * 2)
        {
            throw new ArgumentException($"the corpus has {text.Length} characters; chunks of {length} need at least {length * 2}", nameof(text));
        }
        var chunks = new List<string>(count);
        while (chunks.Count < count)
        {
            var start = random.Next(text.Length - length * 2);
            var space = text.IndexOf(' ', start);
            if (space < 0 || space + 1 + length > text.Length)
            {
                continue;
            }
            chunks.Add(text.Substring(space + 1, length));
        }
        return chunks;
    }

    /// <summary>Consecutive chunks of <paramref name="length"/> characters, cut after a space, for evaluation.</summary>
    /// <param name="text">The corpus.</param>
    /// <param name="count">How many chunks.</param>
    /// <param name="length">Characters per chunk.</param>
    public static List<string> Consecutive(string text, int count, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<string>(count);
        var at = 0;
        while (chunks.Count < count && at + length <= text.Length)
        {
            chunks.Add(text.Substring(at, length));
            var next = text.IndexOf(' ', at + length);
            if (next < 0)
            {
                break;
            }
            at = next + 1;
        }
        if (chunks.Count < count)
        {
            throw new ArgumentException($"the corpus gives only {chunks.Count} chunks of {length} characters, {count} were asked for", nameof(text));
        }
        return chunks;
    }

    /// <summary>Chunks split into consecutive batches of <paramref name="size"/> (the last may be shorter), as dynamic
    /// tokenization and its merges→length table take them.</summary>
    /// <param name="chunks">The chunks, in order.</param>
    /// <param name="size">Chunks per batch.</param>
    public static List<IReadOnlyList<string>> InBatches(IEnumerable<string> chunks, int size)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return chunks.Chunk(size).Select(batch => (IReadOnlyList<string>)batch).ToList();
    }
}
