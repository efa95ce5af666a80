using System.Linq;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>Which [Capturable] forwards get a generated capture plan: chains of one-input layer calls, written
/// nested or through locals; nothing else, and nothing without [Capturable].</summary>
public class CaptureEmissionTests
{
    private static string Model(string forwardAttributes, string body) => TestSources.Usings + $$"""
        namespace Demo;

        public sealed record ChainConfig(int Vocab = 64, int Dim = 32);

        [Model(typeof(ChainConfig))]
        public partial class Chain
        {
            [Embedding("Vocab", "Dim")]
            private partial Tensor Embed(Tensor ids);

            [LayerNorm("Dim")]
            private partial Tensor Norm(Tensor x);

            [Linear("Dim", "Vocab")]
            private partial Tensor Head(Tensor x);

            {{forwardAttributes}}
            public Tensor Forward([Shape("B,T")] Tensor ids)
            {{body}}
        }
        """;

    private static string Generated(string source)
    {
        var (output, run) = GeneratorHarness.Generate(source);
        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));
        return run.Results.Single().GeneratedSources.Single(s => s.HintName == "Demo.Chain.g.cs").SourceText.ToString();
    }

    [Theory]
    [InlineData("=> Head(Norm(Embed(ids)));")]
    [InlineData("{ var x = Embed(ids); x = Norm(x); return Head(x); }")]
    [InlineData("{ var h = this.Embed(ids); var n = Norm((h)); return this.Head(n); }")]
    public void A_capturable_chain_gets_a_plan_that_records_each_layer_in_order(string body)
    {
        var generated = Generated(Model("[Forward, Capturable]", body));

        Assert.Contains("public ForwardPlan Capture(global::TorchSharp.torch.Tensor ids)", generated);
        Assert.Contains("public global::TorchSharp.torch.Tensor Replay(global::TorchSharp.torch.Tensor ids)", generated);
        var embed = generated.IndexOf("CaptureLayers.Record(Graph, model.embed, x)");
        var norm = generated.IndexOf("CaptureLayers.Record(Graph, model.norm, x)");
        var head = generated.IndexOf("CaptureLayers.Record(Graph, model.head, x)");
        Assert.True(embed > 0 && norm > embed && head > norm, "layers recorded out of order");
        Assert.Contains("ShapeGuard.RankMismatch(\"Chain.Capture\", \"ids\"", generated);
    }

    [Theory]
    [InlineData("[Forward]", "=> Head(Norm(Embed(ids)));")]
    [InlineData("[Forward, Capturable]", "=> Head(Norm(Embed(ids)) * 2);")]
    [InlineData("[Forward, Capturable]", "{ var x = Embed(ids); var y = Norm(x); return Head(x + y); }")]
    [InlineData("[Forward, Capturable]", "{ var x = Embed(ids); if (x.shape[0] > 1) x = Norm(x); return Head(x); }")]
    public void Anything_else_gets_no_plan(string attributes, string body)
    {
        var generated = Generated(Model(attributes, body));

        Assert.DoesNotContain("Capture(", generated);
        Assert.DoesNotContain("ForwardPlan", generated);
    }
}
