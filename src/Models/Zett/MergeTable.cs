using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Models.Zett;

/// <summary>
/// The measured merges→sequence-length table that dynamic tokenization picks m from: for each m, the mean
/// reduction <c>1 − T′/T</c> over calibration batches of a given size.
/// </summary>
public sealed class MergeTable
{
    private readonly double[] reductions;

    private MergeTable(double[] reductions) => this.reductions = reductions;

    /// <summary>Measures the table on calibration batches; each batch is merged up to <paramref name="maxMerges"/> times.</summary>
    /// <param name="original">The original tokenizer.</param>
    /// <param name="batches">Calibration batches, the size the table will be used at.</param>
    /// <param name="maxMerges">Largest m.</param>
    public static MergeTable Measure(BpeVocabulary original, IEnumerable<IReadOnlyList<string>> batches, int maxMerges)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var before = 0L;
        var after = new long[maxMerges + 1];
        foreach (var batch in batches)
        {
            var merger = new DynamicMerges(original, batch);
            merger.Apply(maxMerges);
            before += merger.TokenCounts[0];
            for (var m = 0; m <= maxMerges; m++)
            {
                after[m] += merger.TokenCounts[Math.Min(m, merger.TokenCounts.Count - 1)];
            }
        }
        if (before == 0)
        {
            throw new ArgumentException("the calibration batches hold no tokens", nameof(batches));
        }
        return new MergeTable(after.Select(a => 1 - (double)a / before).ToArray());
    }

    /// <summary>Largest m in the table.</summary>
    public int MaxMerges => reductions.Length - 1;

    /// <summary>Expected reduction after <paramref name="merges"/> merges.</summary>
    /// <param name="merges">m.</param>
    public double Reduction(int merges) => reductions[merges];

    /// <summary>The smallest m whose expected reduction reaches <paramref name="target"/>.</summary>
    /// <param name="target">Wanted reduction, e.g. 0.2.</param>
    public int MergesFor(double target)
    {
        for (var m = 0; m < reductions.Length; m++)
        {
            if (reductions[m] >= target)
            {
                return m;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(target), $"the table reaches only {reductions[^1]:P1} after {MaxMerges} merges; {target:P1} was asked for");
    }
}
