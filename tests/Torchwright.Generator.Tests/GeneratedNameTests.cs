using System.Linq;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>
/// Names the generated half declares next to the user's: members of the class (a clash is TW1009) and locals of
/// the generated methods (which must not collide with any parameter name a user may choose).
/// </summary>
public class GeneratedNameTests
{
    private const string Config = "public sealed record C(int Dim = 8, int Heads = 2);\n";

    // A capturable module forward gets every generated local: guards, replay, scope, result, the capture plan.
    private static string Model(string parameters, string body, string layerInput = "x") => TestSources.Usings + Config + $$"""
        [Model(typeof(C))]
        public partial class M
        {
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor {{layerInput}});
            [Forward, Capturable] [return: Shape("B,Dim")] public Tensor Forward({{parameters}}) => {{body}};
        }
        """;

    // These compiled to CS0136/CS0128/CS0100, or bound a generated name to the user's parameter.
    [Theory]
    [InlineData("result")]
    [InlineData("scope")]
    [InlineData("replayed")]
    [InlineData("plan")]
    [InlineData("model")]
    [InlineData("x")]
    [InlineData("Config")]
    [InlineData("inferencePlans")]
    [InlineData("Forward")]
    [InlineData("Graph")]
    [InlineData("Input")]
    public void Forward_parameters_may_take_any_name(string name)
        => AssertCompiles(Model($"[Shape(\"B,Dim\")] Tensor {name}", $"Norm({name})"));

    [Theory]
    [InlineData("[Shape(\"B,Dim\")] Tensor x, [Shape(\"B,Dim\")] Tensor xShape", "Norm(x + xShape)")]
    [InlineData("[Shape(\"B,Dim\")] Tensor x, [Shape(\"B,Dim\")] Tensor dimB", "Norm(x + dimB)")]
    [InlineData("[Shape(\"B,Dim\")] Tensor x, [Shape(\"B,Dim\")] Tensor resultShape", "Norm(x + resultShape)")]
    [InlineData("[Shape(\"B,Dim\")] Tensor x, [Shape(\"Shape,Dim\")] Tensor dim", "Norm(x + dim)")]
    public void Forward_parameters_may_take_the_names_of_guard_locals(string parameters, string body)
        => AssertCompiles(Model(parameters, body));

    // The layer's field is 'norm'; a parameter of that name hid it from the generated body.
    [Fact]
    public void Layer_inputs_may_take_the_name_of_the_layer_field()
        => AssertCompiles(Model("[Shape(\"B,Dim\")] Tensor x", "Norm(x)", layerInput: "norm"));

    // Their fields 'device' and 'dtype' were hidden by the constructor's parameters.
    [Theory]
    [InlineData("Device")]
    [InlineData("Dtype")]
    public void Layers_may_take_the_names_of_constructor_parameters(string name)
        => AssertCompiles(Model("[Shape(\"B,Dim\")] Tensor x", $"{name}(x)").Replace("Norm(Tensor", $"{name}(Tensor"));

    [Fact]
    public void A_layer_may_be_tied_to_a_layer_named_like_a_constructor_parameter()
        => AssertCompiles(TestSources.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Embedding("Dim", "Dim")] private partial Tensor Device(Tensor ids);
                [Linear("Dim", "Dim", TiedTo = "Device")] private partial Tensor Head(Tensor x);
                [Forward] public Tensor Forward(Tensor ids) => Head(Device(ids));
            }
            """);

    [Theory]
    [InlineData("public int Config => 1;", "Config")]
    [InlineData("[LayerNorm(\"Dim\")] private partial Tensor Config(Tensor x);", "Config")]
    [InlineData("public string Summary() => \"\";", "Summary")]
    [InlineData("private int path;", "path")]
    [InlineData("private int precision;", "precision")]
    [InlineData("public int Path { get; set; }", "Path")]
    [InlineData("public int Precision;", "Precision")]
    [InlineData("public long ParameterCount => 0;", "ParameterCount")]
    [InlineData("public void CacheCastWeights() { }", "CacheCastWeights")]
    [InlineData("public void InferenceSession() { }", "InferenceSession")]
    [InlineData("public int InferencePlans;", "InferencePlans")]
    [InlineData("private object? inferencePlans;", "inferencePlans")]
    [InlineData("public void Capture(Tensor y) { }", "Capture")]
    [InlineData("public sealed class ForwardPlan { }", "ForwardPlan")]
    [InlineData("public M(C c, TorchSharp.torch.Device? d, TorchSharp.torch.ScalarType? t) : base(\"M\") { }", "M(config, device, dtype)")]
    public void Members_that_clash_with_generated_members_are_TW1009(string member, string name)
    {
        var source = Model("[Shape(\"B,Dim\")] Tensor x", "Norm(x)").Replace("public partial class M\n{", "public partial class M\n{\n    " + member);
        Assert.Contains(member, source);

        var (output, run) = GeneratorHarness.Generate(source);

        var summary = Assert.Single(run.Diagnostics);
        Assert.Equal("TW0001", summary.Id);
        Assert.Contains("[TW1009]", summary.GetMessage());
        Assert.Empty(run.Results.Single().GeneratedSources);
        var clash = Assert.Single(AnalyzerHarness.Diagnostics(source), d => d.Id == "TW1009");
        Assert.Contains($"'{name}'", clash.GetMessage());
        Assert.DoesNotContain(AnalyzerHarness.Diagnostics(source), d => d.Id == "TW0002");
    }

    [Theory]
    [InlineData("public string Summary(int width) => \"\";")]
    [InlineData("public void Capture() { }")]
    [InlineData("public int Forward(int n) => n; public void Capture(int n) { }")]
    [InlineData("public M(C config, int seed) : this(config) { }")]
    public void Overloads_of_generated_methods_are_fine(string member)
        => AssertCompiles(Model("[Shape(\"B,Dim\")] Tensor x", "Norm(x)").Replace("public partial class M\n{", "public partial class M\n{\n    " + member));

    [Fact]
    public void A_block_member_that_clashes_with_the_unchecked_forward_is_TW1009()
    {
        var source = TestSources.Usings + Config + """
            [Block(typeof(C))]
            public partial class B
            {
                [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
                [Forward] public Tensor Forward(Tensor x) => Norm(x);
                public int ForwardUnchecked;
            }
            """;

        var clash = Assert.Single(AnalyzerHarness.Diagnostics(source), d => d.Id == "TW1009");
        Assert.Contains("'ForwardUnchecked'", clash.GetMessage());
    }

    private static void AssertCompiles(string source)
    {
        var (output, run) = GeneratorHarness.Generate(source);

        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));
        Assert.Empty(AnalyzerHarness.Diagnostics(source));
    }
}
