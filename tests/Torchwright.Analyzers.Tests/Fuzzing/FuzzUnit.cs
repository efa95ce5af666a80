using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Torchwright.Analyzers.Tests.Corpus;
using Torchwright.Analyzers.Tests.Harness;
using Torchwright.Generator.Tests;

namespace Torchwright.Analyzers.Tests.Fuzzing;

/// <summary>A set of valid sources that compile together; mutants change one file of it at a time.</summary>
/// <param name="Name">For messages.</param>
/// <param name="Files">The sources, each with a path.</param>
internal sealed record FuzzUnit(string Name, ImmutableArray<(string Path, string Text)> Files)
{
    /// <summary>
    /// Every valid model the tests know: the seed models in src/Models (one unit per family folder), the valid
    /// corpus, the generator tests' sources and the user-block models of the model tests.
    /// </summary>
    public static ImmutableArray<FuzzUnit> All()
    {
        var units = new List<FuzzUnit>();
        foreach (var family in TestReferences.SeedModels().GroupBy(m => m.Path.Split('/', '\\')[0]).OrderBy(g => g.Key, System.StringComparer.Ordinal))
        {
            units.Add(new FuzzUnit("src/Models/" + family.Key, family.ToImmutableArray()));
        }
        units.AddRange(ValidModels.All().Select(m => Single("valid/" + m.Name, m.Source)));
        units.Add(Single("generator/BlockAndModel", TestSources.BlockAndModel));
        units.Add(Single("generator/NestedWithEntries", TestSources.NestedWithEntries));
        units.Add(Single("models-tests/UserBlockModels", TestReferences.TestModel("UserBlockModels.cs")));
        return units.ToImmutableArray();
    }

    private static FuzzUnit Single(string name, string text) => new(name, ImmutableArray.Create((name + ".cs", text)));
}
