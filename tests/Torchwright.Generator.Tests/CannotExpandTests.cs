using System.Linq;
using Torchwright.Generator.Diagnostics;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>What the generator cannot read becomes one clear TW0001 diagnostic, never an exception.</summary>
public class CannotExpandTests
{
    private const string Config = "public sealed record C(int Dim = 8, int Heads = 2);\n";

    [Theory]
    [InlineData("[Model(typeof(C))] public class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1001", "must be declared 'partial'")]
    [InlineData("[Model(typeof(C))] public partial class M { }", "TW1006", "no method marked [Forward]")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Widht\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "TW1004", "'Widht', which is not a member of the configuration")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim*\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "TW1005", "not a valid dimension expression")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\")] private partial int L(Tensor x); [Forward] public Tensor Forward(Tensor x) => x; }", "TW1003", "must return Tensor")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\", TiedTo = \"Nope\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "TW1008", "not an [Embedding] layer")]
    [InlineData("[Model(typeof(C))] public partial class M { [Forward] public Tensor Forward([Shape(\"B,,T\")] Tensor x) => x; }", "TW1005", "cannot be read")]
    [InlineData("[Model(typeof(C))] public partial class M { [LayerNorm(\"Dim\")] private partial Tensor N([Shape(\"B,(T\")] Tensor x); [Forward] public Tensor Forward(Tensor x) => N(x); }", "TW1005", "cannot be read")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\")] private partial Tensor L(Tensor x, Tensor y); [Forward] public Tensor Forward(Tensor x) => L(x, x); }", "TW1003", "takes 1 tensor(s)")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\")] [LayerNorm(\"Dim\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "TW1012", "a method is one layer")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\", Name = \"a.b\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "TW1011", "must not contain '.'")]
    // Written raw into a string literal of the generated code: a quote or backslash broke it without a word.
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\", Name = \"a\\\"b\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "TW1011", "letters, digits and '_'")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\", Name = \"a\\\\b\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "TW1011", "letters, digits and '_'")]
    // Both attributes made two sources with one hint name, and Roslyn dropped every generated file (CS8785).
    [InlineData("[Model(typeof(C))] [Block(typeof(C))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1014", "both [Model] and [Block]")]
    [InlineData("[Model(typeof(C))] file partial class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1014", "file-local")]
    // The constructor's 'config ?? throw' and parameter type need a class: these made generated code that did not compile.
    [InlineData("public struct S { public int Dim; } [Model(typeof(S))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1007", "must be a class")]
    [InlineData("public record struct S(int Dim = 8); [Model(typeof(S))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1007", "must be a class")]
    [InlineData("public enum E { Dim } [Model(typeof(E))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1007", "must be a class")]
    [InlineData("public static class S { public static int Dim => 8; } [Model(typeof(S))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1007", "must not be static")]
    [InlineData("public sealed record G<T>(int Dim = 8); [Model(typeof(G<>))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; }", "TW1007", "open generic")]
    // Written as bare NaN/Infinity, which is no C# literal; meaningless as a hyperparameter anyway.
    [InlineData("[Model(typeof(C))] public partial class M { [LayerNorm(\"Dim\", Eps = double.NaN)] private partial Tensor N(Tensor x); [Forward] public Tensor Forward(Tensor x) => N(x); }", "TW1005", "finite number")]
    [InlineData("[Model(typeof(C))] public partial class M { [Attention(\"Dim\", \"Heads\", RopeTheta = double.PositiveInfinity)] private partial Tensor A(Tensor x); [Forward] public Tensor Forward(Tensor x) => A(x); }", "TW1005", "finite number")]
    // A block that uses itself: the generated constructor recursed forever at run time.
    [InlineData("[Block(typeof(C))] public partial class M { [Use(typeof(M), \"Dim\")] private partial Tensor U(Tensor x); [Forward] public Tensor Forward(Tensor x) => U(x); }", "TW1010", "uses itself")]
    public void Broken_contract_gets_one_TW0001_from_the_generator_and_the_specific_ID_from_the_analyzer(string body, string id, string reason)
        => AssertCannotExpand(TestSources.Usings + Config + body, id, reason);

    // Recursive descent used to overflow the stack on such inputs and take the compiler down; the parser now has limits.
    [Theory]
    [InlineData("[Linear(\"Dim\", \"{0}\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x);", "more than 128")]
    [InlineData("[LayerNorm(\"Dim\")] private partial Tensor N(Tensor x); [Forward] public Tensor Forward([Shape(\"B,{1}\")] Tensor x) => N(x);", "nested deeper than 32")]
    [InlineData("[Linear(\"Dim\", \"{2}\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x);", "longer than 512")]
    public void Oversized_dimension_expressions_are_refused_with_TW1005(string members, string reason)
    {
        var sum = "Dim" + string.Concat(Enumerable.Repeat("+Dim", 99));
        var nested = new string('(', 40) + "Dim" + new string(')', 40);
        var spaced = "Dim" + new string(' ', 600) + "+1";
        var body = "[Model(typeof(C))] public partial class M { " + string.Format(members, sum, nested, spaced) + " }";
        AssertCannotExpand(TestSources.Usings + Config + body, "TW1005", reason);
    }

    private static void AssertCannotExpand(string source, string id, string reason)
    {
        var (output, run) = GeneratorHarness.Generate(source);

        var summary = Assert.Single(run.Diagnostics);
        Assert.Equal("TW0001", summary.Id);
        Assert.Contains(reason, summary.GetMessage());
        Assert.Contains($"[{id}]", summary.GetMessage());
        Assert.NotEqual(Microsoft.CodeAnalysis.Location.None, summary.Location);
        Assert.Empty(run.Results.Single().GeneratedSources);

        var specific = Assert.Single(AnalyzerHarness.Diagnostics(source), d => d.Id == id);
        Assert.Contains(reason, specific.GetMessage());
        // Same place, and both in the user's syntax tree, so that #pragma and [SuppressMessage] reach them.
        Assert.Equal(summary.Location.GetLineSpan(), specific.Location.GetLineSpan());
        Assert.True(summary.Location.IsInSource, $"TW0001 at a {summary.Location.Kind} location");
        Assert.Contains(summary.Location.SourceTree, output.SyntaxTrees);
        Assert.Equal($"{HelpLinks.Root}{id}.md", specific.Descriptor.HelpLinkUri);
    }

    // Found by the fuzzer: with the 'class' keyword missing the attribute sits on a property, and the generator threw.
    [Fact]
    public void Model_attribute_on_a_member_that_is_not_a_type_is_left_to_the_compiler()
    {
        var source = TestSources.Usings + Config + "[Model(typeof(C))] public partial M { [Forward] public Tensor Forward(Tensor x) => x; }";
        var (_, run) = GeneratorHarness.Generate(source);

        Assert.All(run.Results, result => Assert.Null(result.Exception));
        Assert.Empty(run.Diagnostics);
    }

    // Found by the fuzzer: a public model with an internal configuration made the generated public constructor fail (CS0051).
    [Fact]
    public void Internal_configuration_makes_the_constructor_internal_and_the_code_compiles()
    {
        var source = TestSources.Usings + "internal sealed record C(int Dim = 8);\n" +
            "[Model(typeof(C))] public partial class M { [LayerNorm(\"Dim\")] private partial Tensor N(Tensor x); [Forward] public Tensor Forward(Tensor x) => N(x); }";
        var (output, run) = GeneratorHarness.Generate(source);

        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));
        Assert.Contains("internal M(global::C config", run.Results.Single().GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Unknown_config_member_carries_the_suggestion_for_the_code_fix()
    {
        var source = TestSources.Usings + Config + "[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Heds\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }";

        var diagnostic = Assert.Single(AnalyzerHarness.Diagnostics(source), d => d.Id == "TW1004");

        Assert.Equal("Heds", diagnostic.Properties["UnknownName"]);
        Assert.Equal("Heads", diagnostic.Properties["Suggestion"]);
    }

    [Fact]
    public void Valid_models_get_no_contract_diagnostics()
    {
        Assert.Empty(AnalyzerHarness.Diagnostics(GeneratorHarness.ModelSource("Gpt/ByteGpt.cs")));
        Assert.Empty(AnalyzerHarness.Diagnostics(TestSources.BlockAndModel));
        Assert.Empty(AnalyzerHarness.Diagnostics(TestSources.NestedWithEntries));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[Model] public partial class M { }")]
    [InlineData("[Model(typeof(Missing))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; }")]
    [InlineData("[Model(typeof(C))] public partial class M<T> { [Forward] public Tensor Forward(Tensor x) => x; }")]
    [InlineData("[Model(typeof(C))] public partial class M { [Forward] public Tensor Forward(Tensor x) => x; ")]
    [InlineData("[Block(typeof(C))] public partial struct S { }")]
    [InlineData("[Model(typeof(C))] public partial class M { [Use(typeof(string))] private partial Tensor U(Tensor x); [Forward] public Tensor Forward(Tensor x) => U(x); }")]
    public void Garbage_never_throws(string body)
    {
        var (_, run) = GeneratorHarness.Generate(TestSources.Usings + Config + body);

        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "TW0002");
        Assert.All(run.Results, result => Assert.Null(result.Exception));
    }
}
