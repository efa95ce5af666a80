using System;
using System.Collections.Generic;

namespace Torchwright.Generator.Parsing;

/// <summary>Finds the closest existing name to a misspelt one, for "did you mean" hints and code fixes.</summary>
internal static class NearestName
{
    /// <summary>The candidate with the smallest edit distance (case-insensitive), if it is close enough to be a likely typo.</summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance || distance == bestDistance && string.CompareOrdinal(candidate, best) < 0)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        // More than a third of the letters wrong is a different word, not a typo.
        return best is not null && bestDistance <= Math.Max(1, name.Length / 3) ? best : null;
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and adjacent
    // transpositions ("Widht" for "Width") each cost one.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
