using System;

namespace Torchwright.Runtime.Blocks;

/// <summary>The standard deviation each <see cref="WeightInit"/> draws a weight with.</summary>
internal static class WeightInits
{
    /// <summary>GPT-2's standard deviation, also that of embeddings.</summary>
    internal const double Gpt2Std = 0.02;

    /// <summary>The standard deviation of a weight that reads <paramref name="fanIn"/> inputs.</summary>
    public static double Std(WeightInit init, long fanIn) => init switch
    {
        WeightInit.Gpt2 => Gpt2Std,
        WeightInit.FanIn => 1 / Math.Sqrt(fanIn),
        _ => throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialisation."),
    };
}
