using System;
using System.Collections.Generic;
using Torchwright.Runtime.Text.Words;
using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>
/// What <see cref="HatModel"/> reads for a batch of byte rows: the bytes, each byte's word index from the word
/// splitter, and the word slots padded to the longest row (<c>[B, W_max]</c>, −1 where a row has fewer words).
/// </summary>
public sealed class HatInputs : IDisposable
{
    private HatInputs(Tensor bytes, Tensor byteWords, Tensor wordGroups, int[] wordCounts)
    {
        Bytes = bytes;
        ByteWords = byteWords;
        WordGroups = wordGroups;
        WordCounts = wordCounts;
    }

    /// <summary>Byte values, <c>[B, T]</c> int64.</summary>
    public Tensor Bytes { get; }

    /// <summary>Word index of each byte within its row, <c>[B, T]</c> int64.</summary>
    public Tensor ByteWords { get; }

    /// <summary>Word slots, <c>[B, W_max]</c> int64: 0…count−1, then −1 for padding.</summary>
    public Tensor WordGroups { get; }

    /// <summary>Number of words of each row.</summary>
    public IReadOnlyList<int> WordCounts { get; }

    /// <summary>Splits every row into words and builds the tensors.</summary>
    /// <param name="rows">Byte rows, all of the same length T ≥ 1.</param>
    /// <param name="maxWordBytes">The splitter's byte limit per word.</param>
    /// <param name="device">Where the tensors go; default CPU.</param>
    public static HatInputs FromRows(IReadOnlyList<byte[]> rows, int maxWordBytes, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one row.", nameof(rows));
        }
        int length = rows[0].Length;
        if (length == 0)
        {
            throw new ArgumentException("Rows must hold at least one byte.", nameof(rows));
        }
        var spans = new WordSpans[rows.Count];
        int maxWords = 0;
        for (int row = 0; row < rows.Count; row++)
        {
            if (rows[row].Length != length)
            {
                throw new ArgumentException($"Every row must have the same length: row 0 has {length} bytes, row {row} has {rows[row].Length}.", nameof(rows));
            }
            spans[row] = WordSplitter.GetWordSpans(rows[row], maxWordBytes);
            maxWords = Math.Max(maxWords, spans[row].Count);
        }

        var bytes = new long[rows.Count * length];
        var byteWords = new long[rows.Count * length];
        var groups = new long[rows.Count * maxWords];
        var counts = new int[rows.Count];
        for (int row = 0; row < rows.Count; row++)
        {
            var wordOfByte = spans[row].WordOfByte;
            for (int i = 0; i < length; i++)
            {
                bytes[row * length + i] = rows[row][i];
                byteWords[row * length + i] = wordOfByte[i];
            }
            counts[row] = spans[row].Count;
            for (int w = 0; w < maxWords; w++)
            {
                groups[row * maxWords + w] = w < counts[row] ? w : -1;
            }
        }
        return new HatInputs(
            tensor(bytes, new long[] { rows.Count, length }, device: device),
            tensor(byteWords, new long[] { rows.Count, length }, device: device),
            tensor(groups, new long[] { rows.Count, maxWords }, device: device),
            counts);
    }

    /// <summary>
    /// Builds the inputs of one row with the word boundaries that generation sees: those of a <see cref="WordStream"/>
    /// fed byte by byte, which judges a multi-byte character when it is complete. For valid UTF-8 text they equal
    /// <see cref="FromRows"/>'s except where the splitting rule itself is not causal (see <see cref="WordStream"/>);
    /// they differ when the row ends inside a character (the unfinished character stays in the current word).
    /// </summary>
    /// <param name="row">The bytes, at least one.</param>
    /// <param name="maxWordBytes">The splitter's byte limit per word.</param>
    /// <param name="device">Where the tensors go; default CPU.</param>
    public static HatInputs FromStream(byte[] row, int maxWordBytes, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length == 0)
        {
            throw new ArgumentException("A row must hold at least one byte.", nameof(row));
        }
        var stream = new WordStream(maxWordBytes);
        var byteWords = new long[row.Length];
        int word = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int begun = stream.Append(row[i]);
            if (begun > 0)
            {
                word++;
                Array.Fill(byteWords, word, i + 1 - begun, begun);
            }
            else
            {
                byteWords[i] = word;
            }
        }
        var bytes = new long[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            bytes[i] = row[i];
        }
        var groups = new long[word + 1];
        for (int w = 0; w <= word; w++)
        {
            groups[w] = w;
        }
        return new HatInputs(
            tensor(bytes, new long[] { 1, row.Length }, device: device),
            tensor(byteWords, new long[] { 1, row.Length }, device: device),
            tensor(groups, new long[] { 1, groups.Length }, device: device),
            new[] { word + 1 });
    }

    /// <summary>Next-byte logits of <paramref name="model"/> for these inputs, <c>[B, T, 256]</c>.</summary>
    /// <param name="model">The model.</param>
    public Tensor LogitsOf(HatModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.forward(Bytes, ByteWords, WordGroups);
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Bytes.Dispose();
        ByteWords.Dispose();
        WordGroups.Dispose();
    }
}
