namespace Torchwright.Benchmarks;

/// <summary>
/// Analytic FLOPs of the GPT, the same for every contender: per layer the GEMMs of q/k/v, output and MLP
/// (2·tokens·12·D²) plus attention scores and weighted sum (4·B·T²·D, counted without the causal half),
/// plus the tied head (2·tokens·D·V). A training step counts as three forwards (forward + backward ≈ 2×).
/// </summary>
public static class FlopCount
{
    public static double Forward(BenchSize s)
    {
        double d = s.Dim, tokens = s.Tokens;
        var perLayer = 2 * tokens * 12 * d * d + 4.0 * s.Batch * s.Length * s.Length * d;
        return s.Layers * perLayer + 2 * tokens * d * BenchSize.Vocab;
    }

    public static double Of(BenchSize size, BenchMode mode) => mode == BenchMode.Forward ? Forward(size) : 3 * Forward(size);
}
