using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>The pipeline must not redo work for edits that cannot change the output.</summary>
public class IncrementalTests
{
    [Fact]
    public void Unrelated_edit_leaves_model_steps_cached()
    {
        var (driver, compilation) = RunOnce(GeneratorHarness.ModelSource("Gpt/ByteGpt.cs"));

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X => 1; }", GeneratorHarness.ParseOptions));
        var reasons = RunAgain(driver, edited);

        // The parse step re-runs on a new compilation but yields an equal spec, so nothing downstream runs.
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Contains(reason, new[] { IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached }));
        // Every source output stays cached; only the (here empty) report of types that cannot be expanded looks at
        // the new compilation, since it needs its syntax trees.
        var steps = driver.RunGenerators(edited).GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(step => step.Value).ToArray();
        var sources = steps.Where(step => step.Inputs.All(input => input.Source.Name != TrackingNames.CannotExpand)).ToArray();
        Assert.NotEmpty(sources);
        Assert.All(sources.SelectMany(step => step.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Contains(steps, step => step.Inputs.Any(input => input.Source.Name == TrackingNames.CannotExpand));
    }

    [Fact]
    public void Body_edit_inside_the_model_is_unchanged_not_modified()
    {
        var source = GeneratorHarness.ModelSource("Gpt/ByteGpt.cs");
        var (driver, compilation) = RunOnce(source);

        var edited = source.Replace("=> Head(Norm(Blocks(Positions(Embed(bytes)))));", "=> Head(Norm(Blocks(Positions(Embed(bytes))))); // reworded");
        Assert.NotEqual(source, edited); // an edit that matched nothing would leave every step cached for the wrong reason
        var tree = compilation.SyntaxTrees.Single();
        var newTree = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited));
        var reasons = RunAgain(driver, compilation.ReplaceSyntaxTree(tree, newTree));

        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.Contains(reason, new[] { IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached }));
    }

    [Fact]
    public void Attribute_argument_edit_is_modified()
    {
        var source = GeneratorHarness.ModelSource("Gpt/ByteGpt.cs");
        var (driver, compilation) = RunOnce(source);

        var edited = source.Replace("[LayerNorm(\"Dim\")]", "[LayerNorm(\"Dim\", Eps = 1e-6)]");
        Assert.NotEqual(source, edited);
        var tree = compilation.SyntaxTrees.Single();
        var newTree = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited));
        var reasons = RunAgain(driver, compilation.ReplaceSyntaxTree(tree, newTree));

        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
    }

    private static (GeneratorDriver Driver, Compilation Compilation) RunOnce(string source)
    {
        var compilation = GeneratorHarness.Compile(source);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.Single(driver.GetRunResult().GeneratedTrees);
        return (driver, compilation);
    }

    private static IncrementalStepRunReason[] RunAgain(GeneratorDriver driver, Compilation compilation)
    {
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        return result.TrackedSteps[TrackingNames.Models]
            .SelectMany(step => step.Outputs)
            .Select(output => output.Reason)
            .ToArray();
    }
}
