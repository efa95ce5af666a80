using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>Capture safety (TW4xxx) inside [Capturable] methods: each hazard at its place, and nothing outside [Capturable].</summary>
public class CaptureTests
{
    private static string Model(string body, bool capturable = true) => "using TorchSharp;\n" + Verify.Usings + """
        public sealed record C(int Dim = 16);

        [Model(typeof(C))]
        public partial class M
        {
            [Linear("Dim", "Dim")] private partial Tensor Proj(Tensor x);

            [Forward]

        """ + (capturable ? "    [Capturable]\n" : "") + """
            public Tensor Step([Shape("B,Dim")] Tensor x)
            {

        """ + body + """

            }
        }
        """;

    public static IEnumerable<object[]> Hazards() => Cases.Keys.Select(name => new object[] { name });

    private static readonly Dictionary<string, string> Cases = new()
    {
        ["item"] = "var v = {|TW4001:x.sum().item<float>()|}; return x * v;",
        ["ToArray"] = "var values = {|TW4001:x.data<float>()|}.ToArray(); return x;",
        ["cpu"] = "var host = {|TW4001:x.cpu()|}; return host;",
        ["to cpu"] = "return {|TW4001:x.to(\"cpu\")|};",
        ["ToString"] = "var text = {|TW4001:x.ToString()|}; return x;",
        ["explicit conversion"] = "var v = {|TW4001:(float)x.sum()|}; return x * v;",
        ["Console"] = "{|TW4001:System.Console.WriteLine(x)|}; return x;",
        ["interpolation"] = "var text = $\"value {|TW4001:{x}|}\"; return x;",
        ["nonzero"] = "return {|TW4002:x.nonzero()|};",
        ["masked_select"] = "return {|TW4002:x.masked_select(x > 0)|};",
        ["unique"] = "var (values, _, _) = {|TW4002:x.unique()|}; return values;",
        ["boolean mask index"] = "var mask = x > 0; return {|TW4002:x[mask]|};",
        ["if on a tensor"] = "if ({|TW4003:{|TW4001:x.sum().item<float>()|} > 0|}) { return x; } return -x;",
        ["while on a tensor"] = "var total = x; while ({|TW4003:{|TW4001:(bool)(total.sum() > 0)|}|}) { total = total - 1; } return total;",
        ["ternary on a local read from a tensor"] = "var positive = {|TW4001:x.mean().ToSingle()|} > 0; return {|TW4003:positive|} ? x : -x;",
        ["tensor from array"] = "var bias = {|TW4004:tensor(new float[] { 1, 2 })|}; return x + bias;",
        ["from_array"] = "var bias = {|TW4004:from_array(new float[] { 1, 2 })|}; return x + bias;",
        ["implicit array conversion"] = "Tensor bias = {|TW4004:new float[] { 1, 2 }|}; return x + bias;",
        ["rand"] = "return x + {|TW4005:rand(2, 16)|};",
        ["randn_like"] = "return x + {|TW4005:randn_like(x)|};",
        ["dropout in training"] = "return {|TW4005:nn.functional.dropout(x, 0.1)|};",
        ["normal_"] = "var noise = empty(2, 16); {|TW4005:noise.normal_()|}; return x + noise;",
        ["multinomial"] = "return {|TW4005:x.softmax(-1).multinomial(1)|};",
    };

    [Theory]
    [MemberData(nameof(Hazards))]
    public Task Hazard_is_reported_in_a_capturable_method(string name)
        => Verify.Analyzer(new[] { Model(Cases[name]) }, System.Array.Empty<Microsoft.CodeAnalysis.Testing.DiagnosticResult>(), compilerErrors: true);

    [Fact]
    public Task Nothing_is_reported_outside_a_capturable_method()
        => Verify.Analyzer(Model(string.Join("\n", Cases.Values.Select(Verify.StripMarkup).Select(body => "{ " + body.Replace("return", "_ =") + " }")) + "\nreturn x;", capturable: false));

    [Fact]
    public Task Explicit_generators_inference_dropout_and_shape_reads_are_capture_safe()
        => Verify.Analyzer(Model("""
            var generator = manual_seed(3);
            var noise = rand(2, 16, generator: generator);
            noise.normal_(generator: generator);
            var kept = nn.functional.dropout(x, 0.1, training: false);
            if (x.shape[0] > 1 && x.size(1) == Config.Dim) { kept = kept + noise; }
            return Proj(kept);
            """));
}
