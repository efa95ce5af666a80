using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>
/// A teacher-forced encoder-decoder batch in T5's layout: inputs padded with 0, the decoder input is the target
/// shifted right behind a 0, and labels are the target with −100 (ignored by the loss) on padding.
/// </summary>
/// <param name="Input">Encoder ids, <c>[B,T]</c>.</param>
/// <param name="DecoderInput">Decoder ids, <c>[B,U]</c>.</param>
/// <param name="Labels">Target ids, <c>[B,U]</c>, −100 where there is none.</param>
public sealed record Seq2SeqBatch(Tensor Input, Tensor DecoderInput, Tensor Labels)
{
    /// <summary>The label that the loss ignores.</summary>
    public const long Ignored = -100;

    /// <summary>Encodes (source, target) text pairs as ByT5 bytes, each followed by eos.</summary>
    /// <param name="pairs">The examples.</param>
    public static Seq2SeqBatch FromText(IReadOnlyList<(string Source, string Target)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one example.", nameof(pairs));
        }
        var sources = pairs.Select(p => ByT5Bytes.Encode(p.Source)).ToArray();
        var targets = pairs.Select(p => ByT5Bytes.Encode(p.Target)).ToArray();
        var input = Pack(sources, source => source, ByT5Bytes.Pad);
        var decoderInput = Pack(targets, target => target[..^1].Prepend(ByT5Bytes.Pad).ToArray(), ByT5Bytes.Pad);
        var labels = Pack(targets, target => target, Ignored);
        return new Seq2SeqBatch(input, decoderInput, labels);
    }

    private static Tensor Pack(long[][] rows, Func<long[], long[]> select, long fill)
    {
        var selected = rows.Select(select).ToArray();
        var width = selected.Max(row => row.Length);
        var data = new long[selected.Length * width];
        Array.Fill(data, fill);
        for (var i = 0; i < selected.Length; i++)
        {
            selected[i].CopyTo(data, i * width);
        }
        return tensor(data, new long[] { selected.Length, width });
    }
}
