using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Torchwright.Analyzers.Tests.Corpus;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>Each shape or hyperparameter bug of the corpus is caught with the right ID at the right place, and nothing else is reported.</summary>
public class BugCorpusTests
{
    public static IEnumerable<object[]> Corpus() => BuggyModels.All().Select(bug => new object[] { bug.Name });

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Bug_is_reported_with_its_ID_at_its_location(string name)
    {
        var source = BuggyModels.All().Single(bug => bug.Name == name).Source;
        Assert.Empty(Verify.CompilerErrors(source));
        await Verify.Analyzer(source);
    }

    [Fact]
    public void The_corpus_has_at_least_thirty_distinct_bugs_across_the_families()
    {
        var bugs = BuggyModels.All().ToList();
        Assert.True(bugs.Count >= 30, $"{bugs.Count} bugs");
        Assert.Equal(bugs.Count, bugs.Select(bug => bug.Name).Distinct().Count());
        var ids = bugs.SelectMany(bug => Regex.Matches(bug.Source, @"\{\|(TW\d{4}):").Select(m => m.Groups[1].Value)).Distinct().ToList();
        foreach (var id in new[] { "TW2001", "TW2002", "TW2003", "TW2004", "TW2005", "TW3001", "TW3002", "TW3003", "TW3004", "TW3005", "TW3006", "TW3008" })
        {
            Assert.Contains(id, ids);
        }
    }
}
