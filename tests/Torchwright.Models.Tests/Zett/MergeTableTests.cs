using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Torchwright.Models.Zett;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Models.Tests.Zett;

/// <summary>Check 4: the merges→length table predicts the reduction on batches it was not measured on. Needs no training.</summary>
public class MergeTableTests(ITestOutputHelper output)
{
    private const int BatchSize = 16;

    private static List<IReadOnlyList<string>> Batches(List<string> chunks, int skip, int count) =>
        TextChunks.InBatches(chunks.Skip(skip).Take(count * BatchSize), BatchSize);

    [Fact]
    public void Measured_reduction_matches_the_table_within_one_point()
    {
        var corpus = ZettCorpus.Create(new ZettSettings());
        var original = corpus.Sampler.Original();
        var chunks = corpus.EvaluationChunks(BatchSize * 16);
        var table = MergeTable.Measure(original, Batches(chunks, 0, 8), 200);
        foreach (var target in new[] { 0.1, 0.2, 0.3 })
        {
            var merges = table.MergesFor(target);
            long before = 0, after = 0;
            foreach (var batch in Batches(chunks, BatchSize * 8, 8))
            {
                var merger = new DynamicMerges(original, batch);
                merger.Apply(merges);
                before += merger.TokenCounts[0];
                after += merger.TokenCount;
            }
            var measured = 1 - (double)after / before;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"target {target:P0}: m = {merges}, table {table.Reduction(merges):P2}, measured on unseen batches {measured:P2}, difference {(measured - table.Reduction(merges)) * 100:F2} points"));
            Assert.InRange(measured - table.Reduction(merges), -0.01, 0.01);
        }
    }
}
