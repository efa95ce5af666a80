using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Torchwright.Analyzers.Tests.Corpus;
using Torchwright.Analyzers.Tests.Harness;
using Torchwright.Generator.Tests;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>Correct models get no diagnostic at all: no false positives, whatever the body does.</summary>
public class ValidModelTests
{
    public static IEnumerable<object[]> Corpus() => ValidModels.All().Select(model => new object[] { model.Name });

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Valid_model_gets_no_diagnostic(string name)
    {
        var source = ValidModels.All().Single(model => model.Name == name).Source;
        Assert.Empty(Verify.CompilerErrors(source));
        await Verify.Analyzer(source);
    }

    [Fact]
    public async Task Every_seed_model_in_src_Models_gets_no_diagnostic()
    {
        var models = TestReferences.SeedModels();
        Assert.NotEmpty(models);
        var sources = models.Select(model => model.Source).ToArray();
        Assert.Empty(Verify.Diagnostics(sources));
        await Verify.Analyzer(sources, System.Array.Empty<Microsoft.CodeAnalysis.Testing.DiagnosticResult>());
    }

    [Fact]
    public Task User_block_models_of_the_model_tests_get_no_diagnostic()
        => Verify.Analyzer(TestReferences.TestModel("UserBlockModels.cs"));

    [Fact]
    public async Task Generator_test_sources_get_no_diagnostic()
    {
        await Verify.Analyzer(TestSources.BlockAndModel);
        await Verify.Analyzer(TestSources.NestedWithEntries);
    }

    [Fact]
    public void The_valid_corpus_has_at_least_twenty_models_besides_the_seed_models()
    {
        // Counted on their own: the seed models of src/Models are checked separately above.
        var count = ValidModels.All().Select(model => model.Name).Distinct().Count();
        Assert.True(count >= 20, $"the valid corpus has {count} distinct models");
    }
}
