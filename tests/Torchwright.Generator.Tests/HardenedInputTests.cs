using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.Diagnostics;
using Torchwright.Generator.Analyzers;
using Torchwright.Generator.Shapes;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>
/// Inputs a review found to crash the generator, drop its output or make generated code that does not compile,
/// without a Torchwright diagnostic. Each now either generates code that compiles or is reported.
/// </summary>
public class HardenedInputTests
{
    private const string Config = "public sealed record C(int Dim = 8, int Heads = 2);\n";

    [Theory]
    [InlineData(512, true)]
    [InlineData(513, false)]
    public void Parser_refuses_text_longer_than_its_limit(int length, bool accepted)
    {
        var text = "Dim" + new string(' ', length - 3);

        Assert.Equal(accepted, DimParser.ParseExpression(text).Success);
        Assert.Equal(accepted, DimParser.ParseShape(text).Success);
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(33, false)]
    public void Parser_refuses_parentheses_nested_deeper_than_its_limit(int depth, bool accepted)
    {
        var text = new string('(', depth) + "Dim" + new string(')', depth);

        var result = DimParser.ParseExpression(text);

        Assert.Equal(accepted, result.Success);
        Assert.True(accepted || result.Error!.Contains("nested deeper than 32"), result.Error);
    }

    [Theory]
    [InlineData(64, true)]   // 64 names and 63 operators: 127 nodes
    [InlineData(65, false)]  // 129 nodes
    public void Parser_refuses_expressions_of_more_nodes_than_its_limit(int terms, bool accepted)
    {
        var text = string.Join("+", Enumerable.Repeat("D", terms));

        var result = DimParser.ParseExpression(text);

        Assert.Equal(accepted, result.Success);
        Assert.True(accepted || result.Error!.Contains("more than 128"), result.Error);
    }

    [Fact]
    public void Node_limit_counts_the_whole_shape()
    {
        var dimension = string.Join("*", Enumerable.Repeat("D", 20)); // 39 nodes

        Assert.True(DimParser.ParseShape(string.Join(",", Enumerable.Repeat(dimension, 3))).Success);
        Assert.False(DimParser.ParseShape(string.Join(",", Enumerable.Repeat(dimension, 4))).Success);
    }

    [Fact]
    public void Blocks_that_use_each_other_are_both_reported()
    {
        var source = TestSources.Usings + Config + """
            [Block(typeof(C))] public partial class A { [Use(typeof(B), "Dim")] private partial Tensor U(Tensor x); [Forward] public Tensor Forward(Tensor x) => U(x); }
            [Block(typeof(C))] public partial class B { [Use(typeof(A), "Dim")] private partial Tensor U(Tensor x); [Forward] public Tensor Forward(Tensor x) => U(x); }
            """;
        var (_, run) = GeneratorHarness.Generate(source);

        Assert.Equal(2, run.Diagnostics.Count(d => d.Id == "TW0001" && d.GetMessage().Contains("[TW1010]")));
        Assert.Empty(run.Results.Single().GeneratedSources);
        var cycles = AnalyzerHarness.Diagnostics(source).Where(d => d.Id == "TW1010").Select(d => d.GetMessage()).ToList();
        Assert.Equal(2, cycles.Count);
        Assert.All(cycles, message => Assert.Contains("uses itself through", message));
    }

    [Fact]
    public void Types_whose_names_differ_only_in_case_get_distinct_hint_names()
    {
        var model = "[Model(typeof(C))] public partial class M { [LayerNorm(\"Dim\")] private partial Tensor N(Tensor x); [Forward] public Tensor Forward(Tensor x) => N(x); }";
        var source = TestSources.Usings + Config + "namespace Demo.Net { " + model + " }\nnamespace demo.Net { " + model + " }";

        var (output, run) = GeneratorHarness.Generate(source);

        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));
        var hints = run.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(2, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(hints, hint => Assert.Matches(@"^(Demo|demo)\.Net\.M\.[0-9a-f]{8}\.g\.cs$", hint));
    }

    [Theory]
    [InlineData("public sealed record NC(int Dim = 4);", "")]
    [InlineData("public sealed record NC(int Dim);", "takes 1 to 1 constructor arguments, but [Use] on 'U' gives 0")]
    public void Use_with_a_null_argument_array_means_no_arguments(string blockConfig, string reason)
    {
        var source = TestSources.Usings + Config + blockConfig + """

            [Block(typeof(NC))] public partial class Norm { [LayerNorm("Dim")] private partial Tensor N(Tensor x); [Forward] public Tensor Forward(Tensor x) => N(x); }
            [Model(typeof(C))] public partial class M { [Use(typeof(Norm), null)] private partial Tensor U(Tensor x); [Forward] public Tensor Forward(Tensor x) => U(x); }
            """;
        var (output, run) = GeneratorHarness.Generate(source);

        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "TW0002");
        Assert.DoesNotContain(AnalyzerHarness.Diagnostics(source), d => d.Id == "TW0002");
        if (reason.Length == 0)
        {
            Assert.Empty(run.Diagnostics);
            Assert.Equal("", GeneratorHarness.Errors(output));
        }
        else
        {
            Assert.Contains(AnalyzerHarness.Diagnostics(source), d => d.Id == "TW1010" && d.GetMessage().Contains(reason));
        }
    }

    [Fact]
    public void A_cancelled_read_is_not_cached()
    {
        var compilation = GeneratorHarness.Compile(TestSources.Usings + Config +
            "[Model(typeof(C))] public partial class M { [LayerNorm(\"Dim\")] private partial Tensor N(Tensor x); [Forward] public Tensor Forward(Tensor x) => N(x); }");
        var type = compilation.GetTypeByMetadataName("M")!;
        var cache = new ModelCache();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => cache.Get(type, cancelled.Token));

        Assert.NotNull(cache.Get(type, CancellationToken.None));
    }

    [Fact]
    public void Keyword_identifiers_keep_their_escape()
    {
        var source = TestSources.Usings + "public sealed record C(int Dim = 8, int @class = 2);\n" + """
            namespace @event
            {
                public partial class @fixed
                {
                    [Model(typeof(C))]
                    public partial class M
                    {
                        [Linear("Dim", "class")] private partial Tensor Proj(Tensor @in);
                        [Forward] public Tensor Forward([Shape("B,Dim")] Tensor @in) => Do(@in);
                        [Forward] [return: Shape("B,class")] public Tensor Do([Shape("B,Dim")] Tensor @in) => Proj(@in);
                    }
                }
            }
            """;
        var (output, run) = GeneratorHarness.Generate(source);

        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));
    }

    [Fact]
    public void Enum_values_without_a_member_are_written_as_casts()
    {
        var source = TestSources.Usings + Config + """
            [Model(typeof(C), Precision = (Precision)7)]
            public partial class M
            {
                [LayerNorm("Dim")] private partial Tensor N(Tensor x);
                [Forward] public Tensor Forward([Shape("B,Dim", Elements = (ElementKind)9)] Tensor x) => N(x);
            }
            """;
        var (output, run) = GeneratorHarness.Generate(source);

        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));
        var generated = run.Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("(global::Torchwright.Precision)(7)", generated);
        Assert.Contains("(global::Torchwright.ElementKind)(9)", generated);
    }

    // P and Q call each other. Summaries are cached by (method, depth) while the cycle guard is per call path: P's
    // summary at depth 2 cut off under Q (nothing known) was reused for X's call of P, which computed alone gives
    // [...,Dim]; so C's TW3001 appeared or not with the order in which forwards were analysed.
    [Fact]
    public void Summaries_do_not_depend_on_the_order_of_analysis()
    {
        var source = TestSources.Usings + "public sealed record C(int Dim = 8, int Out = 4);\n" + """
            [Model(typeof(C))]
            public partial class M
            {
                [Linear("Dim", "Dim")] private partial Tensor Proj(Tensor x);
                [Linear("Out", "Dim")] private partial Tensor Wrong(Tensor x);
                [Forward] public Tensor P([Shape("B,Dim")] Tensor x) => Q(x);
                [Forward] public Tensor Q([Shape("B,Dim")] Tensor x) => Proj(P(x));
                [Forward] public Tensor X([Shape("B,Dim")] Tensor x) => P(x);
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => Wrong(X(x));
            }
            """;
        var (output, _) = GeneratorHarness.Generate(source);
        var type = output.GetTypeByMetadataName("M")!;

        string Analyse(params string[] order)
        {
            var summaries = new ShapeSummaries(output, new ModelCache());
            var model = summaries.Models.Get(type, CancellationToken.None)!;
            var found = new System.Collections.Generic.List<string>();
            foreach (var name in order)
            {
                var method = type.GetMembers(name).OfType<Microsoft.CodeAnalysis.IMethodSymbol>().Single();
                var declaration = method.DeclaringSyntaxReferences.Single().GetSyntax();
                var body = output.GetSemanticModel(declaration.SyntaxTree).GetOperation(declaration)!;
                found.AddRange(ShapeInference.Analyze(model, method, body, summaries, CancellationToken.None).Select(d => $"{name}: {d.Id} {d.GetMessage()}"));
            }
            return string.Join("\n", found.OrderBy(line => line, StringComparer.Ordinal));
        }

        var forwardFirst = Analyse("Forward", "P", "Q", "X");
        var cycleFirst = Analyse("P", "Q", "X", "Forward");

        Assert.Equal(forwardFirst, cycleFirst);
        Assert.Contains("Forward: TW3001", forwardFirst);
    }

    // Roslyn reads a sum of 5,000 terms without trouble; shape inference (Eval, Binary) and the capture analyzer's mask
    // test recursed once per operand and overflowed the stack, which takes the compiler down. Past what the stack holds,
    // the expression is now of unknown shape (and not a known mask): no diagnostic, false or internal.
    [Fact]
    public async System.Threading.Tasks.Task Very_deep_expressions_are_analysed_without_overflowing_the_stack()
    {
        var sum = string.Join(" + ", Enumerable.Repeat("x", 5_000));
        var masks = string.Join(" & ", Enumerable.Repeat("(x > 0)", 5_000));
        var source = TestSources.Usings + Config + $$"""
            [Model(typeof(C))]
            public partial class M
            {
                [LayerNorm("Dim")] private partial Tensor N(Tensor x);
                [Forward, Capturable] [return: Shape("B,Dim")] public Tensor Forward([Shape("B,Dim")] Tensor x)
                {
                    var m = {{masks}};
                    return N({{sum}});
                }
            }
            """;
        var (output, run) = GeneratorHarness.Generate(source);
        Assert.Empty(run.Diagnostics);
        Assert.Equal("", GeneratorHarness.Errors(output));

        var analyzers = System.Collections.Immutable.ImmutableArray.Create<DiagnosticAnalyzer>(
            new ContractAnalyzer(), new HyperparameterAnalyzer(), new ShapeAnalyzer(), new CaptureAnalyzer());
        var diagnostics = await output.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();

        Assert.Empty(diagnostics.Where(d => d.Id.StartsWith("TW") || d.Id == "AD0001").Select(d => d.ToString()));
    }
}
