using System.Linq;
using Torchwright.Generator.Specs;
using Xunit;

namespace Torchwright.Generator.Tests;

public class SpecTests
{
    [Fact]
    public void ByteGpt_spec_lists_layers_names_and_forward()
    {
        var result = GeneratorHarness.Parse("Torchwright.Models.Gpt.ByteGpt", GeneratorHarness.ModelSource("Gpt/ByteGpt.cs"));

        Assert.Empty(result.Diagnostics);
        var spec = result.Spec!;
        Assert.Equal("Torchwright.Models.Gpt", spec.Type.Namespace);
        Assert.Equal("ByteGpt", spec.Type.Name);
        Assert.False(spec.IsBlock);
        Assert.Equal("global::Torchwright.Models.Gpt.ByteGptConfig", spec.Config.FullyQualifiedName);
        Assert.Equal(new[] { "Vocab", "Context", "Dim", "Heads", "Layers" }, spec.Config.Members.Select(m => m.Name));
        Assert.Equal(new[] { "256", "128", "128", "4", "2" }, spec.Config.Members.Select(m => m.DefaultValue));
        Assert.Equal(
            new[] { ("Embedding", "embed"), ("LearnedPositions", "positions"), ("TransformerStack", "blocks"), ("LayerNorm", "norm"), ("Linear", "head") },
            spec.Layers.Select(l => (l.Kind, l.StorageName)));
        var head = spec.Layers.Single(l => l.MethodName == "Head");
        Assert.Equal("Embed", head.Argument("TiedTo"));
        Assert.Equal("false", head.Argument("Bias"));
        Assert.Equal("Vocab", head.Argument("OutFeatures"));
        var forward = Assert.Single(spec.Forwards);
        Assert.Equal("forward", forward.EntryName);
        Assert.Equal("B,T,Vocab", forward.ReturnShape);
        Assert.Equal(ReturnKind.Tensor, forward.ReturnKind);
        Assert.Equal("B,T", Assert.Single(forward.Parameters).Shape);
    }

    [Fact]
    public void Block_use_records_block_type_config_arguments_and_renames()
    {
        var result = GeneratorHarness.Parse("Demo.Tagger", TestSources.BlockAndModel);

        Assert.Empty(result.Diagnostics);
        var mix = result.Spec!.Layers.Single(l => l.MethodName == "Mix");
        Assert.Equal("Use", mix.Kind);
        Assert.Equal("global::Demo.GatedMlp", mix.Block!.TypeName);
        Assert.Equal("global::Demo.GatedConfig", mix.Block.ConfigTypeName);
        Assert.Equal(new[] { "Dim", "Dim*2" }, mix.Block.ConfigArguments);
        Assert.Equal("Forward", mix.Block.ForwardMethod);
        Assert.Equal("wte", result.Spec.Layers.Single(l => l.MethodName == "Embed").StorageName);
    }

    [Fact]
    public void Nested_model_keeps_containers_entries_and_tuple_results()
    {
        var result = GeneratorHarness.Parse("Demo.Nested.Zoo+Pair", TestSources.NestedWithEntries);

        Assert.Empty(result.Diagnostics);
        var spec = result.Spec!;
        Assert.Equal(new[] { "partial class Zoo" }, spec.Type.ContainingTypes);
        Assert.Equal("internal", spec.Type.Accessibility);
        Assert.Equal(new[] { ("forward", ReturnKind.TensorTuple), ("encode_both", ReturnKind.Tensor) },
            spec.Forwards.Select(f => (f.EntryName, f.ReturnKind)));
        Assert.False(spec.Forwards[0].Parameters[2].IsTensor);
    }

    [Fact]
    public void Equivalent_sources_give_equal_specs()
    {
        var original = GeneratorHarness.ModelSource("Gpt/ByteGpt.cs");
        // Comments, blank lines, argument order of named arguments and a body edit change nothing the generator uses.
        var reformatted = Edit(original, "[Linear(\"Dim\", \"Vocab\", Bias = false, TiedTo = nameof(Embed))]",
            "[Linear(\"Dim\", \"Vocab\", TiedTo = nameof(Embed), Bias = false)] // tied");
        reformatted = Edit(reformatted,
            "public Tensor Forward([Shape(\"B,T\", Elements = ElementKind.Integer)] Tensor bytes) => Head(Norm(Blocks(Positions(Embed(bytes)))));",
            "public Tensor Forward([Shape(\"B,T\", Elements = ElementKind.Integer)] Tensor bytes)\n    {\n        var x = Positions(Embed(bytes));\n        return Head(Norm(Blocks(x)));\n    }");
        reformatted = Edit(reformatted, "\n\n", "\n\n\n");
        Assert.NotEqual(original, reformatted);

        var first = GeneratorHarness.Parse("Torchwright.Models.Gpt.ByteGpt", original).Spec;
        var second = GeneratorHarness.Parse("Torchwright.Models.Gpt.ByteGpt", reformatted).Spec;

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.Equal(first!.GetHashCode(), second!.GetHashCode());
    }

    [Fact]
    public void A_changed_size_gives_a_different_spec()
    {
        var original = GeneratorHarness.ModelSource("Gpt/ByteGpt.cs");
        var changed = Edit(original, "[LayerNorm(\"Dim\")]", "[LayerNorm(\"Dim\", Eps = 1e-6)]");

        Assert.NotEqual(
            GeneratorHarness.Parse("Torchwright.Models.Gpt.ByteGpt", original).Spec,
            GeneratorHarness.Parse("Torchwright.Models.Gpt.ByteGpt", changed).Spec);
    }

    /// <summary>Replaces text that must be there: an edit that silently matched nothing would make a test vacuous.</summary>
    private static string Edit(string source, string pattern, string replacement)
    {
        Assert.Contains(pattern, source);
        return source.Replace(pattern, replacement);
    }
}
