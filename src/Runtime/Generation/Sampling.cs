using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Generation;

/// <summary>Chooses the next token from a row of logits.</summary>
public static class Sampling
{
    /// <summary>The most likely token.</summary>
    /// <param name="logits">Logits over the vocabulary, <c>[V]</c>.</param>
    public static long Greedy(Tensor logits)
    {
        using var index = logits.argmax();
        return index.item<long>();
    }

    /// <summary>A token drawn from the softmax of <c>logits / temperature</c>, restricted to the <paramref name="topK"/> most likely.</summary>
    /// <param name="logits">Logits over the vocabulary, <c>[V]</c>.</param>
    /// <param name="temperature">Above zero; lower is more conservative.</param>
    /// <param name="topK">How many candidates to keep; 0 keeps all.</param>
    /// <param name="generator">The random source, for reproducible samples.</param>
    public static long Sample(Tensor logits, double temperature, int topK, Generator generator)
    {
        if (temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Temperature must be positive; use Greedy for temperature 0.");
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
}
