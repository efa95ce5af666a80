namespace Torchwright.Benchmarks;

/// <summary>What one measured invocation does.</summary>
public enum BenchMode
{
    /// <summary>Inference: one forward under no_grad, model in eval mode.</summary>
    Forward,

    /// <summary>One training step: forward, cross-entropy, backward, AdamW step, zero_grad.</summary>
    TrainStep,
}

public static class BenchModeNames
{
    public static string Json(this BenchMode mode) => mode == BenchMode.Forward ? "forward" : "train_step";

    public static BenchMode Parse(string text) => text == "forward" ? BenchMode.Forward : BenchMode.TrainStep;
}
