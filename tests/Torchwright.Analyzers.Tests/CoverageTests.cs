using System.Linq;
using Torchwright.Analyzers.Benchmarks;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Analyzers.Tests;

/// <summary>How much of the seed models' forward bodies shape inference follows, measured the way the benchmark reports it.</summary>
public class CoverageTests(ITestOutputHelper output)
{
    [Fact]
    public void Inference_gives_a_shape_to_most_tensor_expressions_of_the_seed_models()
    {
        var sources = FullRun.Sources(TestReferences.ModelsDirectory);
        var result = FullRun.Run(sources, TestReferences.All);
        Assert.Empty(result.AnalyzerDiagnostics);
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "TW0002");
        var coverage = FullRun.Coverage(result.Generated);
        output.WriteLine($"{sources.Length} files: {coverage.Shaped}/{coverage.Expressions} tensor expressions shaped, {coverage.Complete} complete");
        Assert.True(coverage.Expressions > 0);
        Assert.True(coverage.Shaped * 2 >= coverage.Expressions, $"only {coverage.Shaped}/{coverage.Expressions} shaped");
    }
}
