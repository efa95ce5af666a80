using System;
using Torchwright.Runtime.Checkpoints;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Generation;

/// <summary>Chooses the next token from a row of logits.</summary>
public static class Sampling
{
    /// <summary>The most likely token.</summary>
    /// <param name="logits">Logits over the vocabulary, <c>[V]</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not one non-empty row.</exception>
    public static long Greedy(Tensor logits)
    {
        CheckRow(logits);
        using var index = logits.argmax();
        return index.item<long>();
    }

    /// <summary>A token drawn from the softmax of <c>logits / temperature</c>, restricted to the <paramref name="topK"/> most likely.</summary>
    /// <param name="logits">Logits over the vocabulary, <c>[V]</c>.</param>
    /// <param name="temperature">Above zero and finite; lower is more conservative.</param>
    /// <param name="topK">How many candidates to keep; 0, or V and above, keeps all.</param>
    /// <param name="generator">The random source, for reproducible samples.</param>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not one non-empty row.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> or <paramref name="topK"/> is out of range.</exception>
    public static long Sample(Tensor logits, double temperature, int topK, Generator generator)
    {
        CheckRow(logits);
        // NaN passes a plain "<= 0" test and only fails later, inside multinomial.
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Temperature must be positive and finite; use Greedy for temperature 0.");
        }
        if (topK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(topK), topK, "topK must be 0 (keep every token) or positive.");
        }
        using var scope = NewDisposeScope();
        var scaled = logits.to(ScalarType.Float32) / temperature;
        if (topK > 0 && topK < scaled.shape[^1])
        {
            var (values, _) = scaled.topk(topK);
            var threshold = values[-1];
            scaled = scaled.masked_fill(scaled.lt(threshold), double.NegativeInfinity);
        }
        var probabilities = scaled.softmax(-1);
        return multinomial(probabilities, 1, generator: generator).item<long>();
    }

    // A [B, V] batch would otherwise give a flat index (Greedy) or a native error (Sample).
    private static void CheckRow(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() != 1 || logits.shape[0] == 0)
        {
            throw new ArgumentException($"Logits must be one row over the vocabulary, [V] with V ≥ 1; got {ShapeText.Format(logits.shape)}.", nameof(logits));
        }
    }
}
