using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>Greedy decoding: the encoder runs once (with hard deletion by default), the decoder once per output byte.</summary>
public static class MrT5Generation
{
    /// <summary>Decodes every row of <paramref name="input"/> greedily until eos or <paramref name="maxLength"/> tokens.</summary>
    /// <param name="model">The model (put it in eval mode).</param>
    /// <param name="input">Encoder ids, <c>[B,T]</c>, padded with 0.</param>
    /// <param name="maxLength">Most tokens generated per row, eos included.</param>
    /// <param name="hardDelete">Remove deleted tokens before decoding (inference) rather than masking them.</param>
    /// <returns>The generated ids of each row, without the start token, up to and including eos.</returns>
    public static IReadOnlyList<long[]> Greedy(MrT5Model model, Tensor input, int maxLength, bool hardDelete = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        if (maxLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Generate at least one token.");
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (memory, padding, bias, _) = model.encode(input, hardDelete);
        var batch = input.shape[0];
        var rows = Enumerable.Range(0, (int)batch).Select(_ => new List<long>()).ToArray();
        var finished = new bool[batch];
        var decoded = full(new[] { batch, 1L }, ByT5Bytes.Pad, ScalarType.Int64, input.device);
        for (var step = 0; step < maxLength && !finished.All(done => done); step++)
        {
            using var stepScope = NewDisposeScope();
            var logits = model.decode(decoded, memory, padding, bias);
            var next = logits.select(1, -1).argmax(-1);
            var values = next.data<long>().ToArray();
            for (var b = 0; b < batch; b++)
            {
                if (!finished[b])
                {
                    rows[b].Add(values[b]);
                    finished[b] = values[b] == ByT5Bytes.Eos;
                }
            }
            decoded = cat(new[] { decoded, next.unsqueeze(1) }, 1).MoveToOuterDisposeScope();
        }
        return rows.Select(row => row.ToArray()).ToArray();
    }

    /// <summary>Decodes texts greedily and returns the output texts.</summary>
    /// <param name="model">The model (put it in eval mode).</param>
    /// <param name="sources">Input texts.</param>
    /// <param name="maxLength">Most bytes generated per text.</param>
    /// <param name="hardDelete">Remove deleted tokens before decoding.</param>
    public static IReadOnlyList<string> Translate(MrT5Model model, IReadOnlyList<string> sources, int maxLength, bool hardDelete = true)
    {
        ArgumentNullException.ThrowIfNull(sources);
        using var scope = NewDisposeScope();
        var batch = Seq2SeqBatch.FromText(sources.Select(s => (s, "")).ToArray());
        return Greedy(model, batch.Input, maxLength, hardDelete).Select(ByT5Bytes.Decode).ToArray();
    }
}
