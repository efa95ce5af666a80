using System.Linq;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>How the generator writes a layer's <c>Init</c>: only when set, and as code that compiles for any value.</summary>
public class WeightInitEmissionTests
{
    private static string Generated(string layers)
    {
        var source = TestSources.Usings + "public sealed record C(int Dim = 8, int Heads = 2);\n" +
            "[Model(typeof(C))] public partial class M { " + layers + " [Forward] public Tensor Forward(Tensor x) => L(x); }";
        var (output, run) = GeneratorHarness.Generate(source);
        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));
        return run.Results.Single().GeneratedSources.Single().SourceText.ToString();
    }

    [Fact]
    public void Linear_left_at_the_default_is_written_as_before()
    {
        var code = Generated("[Linear(\"Dim\", \"Dim\")] private partial Tensor L(Tensor x);");
        Assert.Contains("new global::Torchwright.Runtime.Blocks.Linear(inFeatures: config.Dim, outFeatures: config.Dim, bias: true, tiedTo: null)", code);
    }

    [Fact]
    public void Linear_and_mlp_pass_their_init_to_the_constructor()
    {
        Assert.Contains("init: global::Torchwright.WeightInit.FanIn)",
            Generated("[Linear(\"Dim\", \"Dim\", Init = WeightInit.FanIn)] private partial Tensor L(Tensor x);"));
        Assert.Contains("init: global::Torchwright.WeightInit.FanIn)",
            Generated("[Mlp(\"Dim\", \"Dim*2\", Init = WeightInit.FanIn)] private partial Tensor L(Tensor x);"));
    }

    [Fact]
    public void Transformer_layers_and_attention_set_init_in_their_options()
    {
        Assert.Contains("Init = global::Torchwright.WeightInit.FanIn",
            Generated("[TransformerStack(\"2\", \"Dim\", \"Heads\", Init = WeightInit.FanIn)] private partial Tensor L(Tensor x);"));
        Assert.Contains("Init = global::Torchwright.WeightInit.FanIn",
            Generated("[Attention(\"Dim\", \"Heads\", Init = WeightInit.FanIn)] private partial Tensor L(Tensor x);"));
    }

    // An enum value with no member used to be written as "WeightInit.7", which does not parse; a cast compiles and
    // leaves the runtime block to refuse the value by name.
    [Fact]
    public void A_value_with_no_member_is_written_as_a_cast()
    {
        Assert.Contains("init: (global::Torchwright.WeightInit)(7))",
            Generated("[Linear(\"Dim\", \"Dim\", Init = (WeightInit)7)] private partial Tensor L(Tensor x);"));
        Assert.Contains("activation: (global::Torchwright.Activation)(9)",
            Generated("[Mlp(\"Dim\", \"Dim\", Activation = (Activation)9)] private partial Tensor L(Tensor x);"));
    }
}
