using System.Linq;
using System.Threading.Tasks;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>
/// TW1xxx stay with the contract analyzer; the ones about an attribute argument point at that argument.
/// The generator's one-line summary (TW0001) stands at the same place, as the generator tests require.
/// </summary>
public class ContractTests
{
    private const string Config = "public sealed record C(int Dim = 8, int Width = 16);\n";

    [Fact]
    public Task Unknown_config_member_is_reported_at_the_attribute_argument()
        => Verify.Analyzer(new[] { Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Linear("Dim", {|TW0001:{|TW1004:"Widht*2"|}|})] private partial Tensor L(Tensor x);
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => L(x);
            }
            """ }, System.Array.Empty<Microsoft.CodeAnalysis.Testing.DiagnosticResult>(), compilerErrors: false);

    [Fact]
    public Task Unreadable_expression_in_a_named_argument_is_reported_there()
        => Verify.Analyzer(new[] { Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Mlp("Dim", hidden: {|TW0001:{|TW1005:"Dim*"|}|})] private partial Tensor F(Tensor x);
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => F(x);
            }
            """ }, System.Array.Empty<Microsoft.CodeAnalysis.Testing.DiagnosticResult>(), compilerErrors: false);

    [Fact]
    public Task Unknown_name_in_a_Use_argument_is_reported_at_that_argument()
        => Verify.Analyzer(new[] { Verify.Usings + Config + """
            public sealed record BlockConfig(int Width);

            [Block(typeof(BlockConfig))]
            public partial class B
            {
                [LayerNorm("Width")] private partial Tensor Norm(Tensor x);
                [Forward] private Tensor Forward([Shape("N,Width")] Tensor x) => Norm(x);
            }

            [Model(typeof(C))]
            public partial class M
            {
                [Use(typeof(B), {|TW0001:{|TW1004:"Dimm"|}|})] private partial Tensor U(Tensor x);
                [Forward] public Tensor Forward([Shape("N,Dim")] Tensor x) => U(x);
            }
            """ }, System.Array.Empty<Microsoft.CodeAnalysis.Testing.DiagnosticResult>(), compilerErrors: false);

    // The generated constructors would build each other without end, and the hyperparameter walk over used blocks
    // exploded. The generator's one summary per type stands at its first problem.
    [Fact]
    public Task Blocks_that_use_each_other_are_reported_at_each_Use()
        => Verify.Analyzer(new[] { Verify.Usings + Config + """
            [Block(typeof(C))]
            public partial class A
            {
                [Use(typeof(B), "Dim")] private partial Tensor {|TW0001:{|TW1010:Inner|}|}(Tensor x);
                [Forward] public Tensor Forward([Shape("N,Dim")] Tensor x) => Inner(x);
            }

            [Block(typeof(C))]
            public partial class B
            {
                [Use(typeof(A), "Dim")] private partial Tensor {|TW0001:{|TW1010:Inner|}|}(Tensor x);
                [Use(typeof(B), "Dim")] private partial Tensor {|TW1010:Self|}(Tensor x);
                [Forward] public Tensor Forward([Shape("N,Dim")] Tensor x) => Self(Inner(x));
            }
            """ }, System.Array.Empty<Microsoft.CodeAnalysis.Testing.DiagnosticResult>(), compilerErrors: false);

    [Fact]
    public Task Non_partial_model_is_reported_at_its_name()
        => Verify.Analyzer(Verify.Usings + Config + """
            [Model(typeof(C))]
            public class {|TW0001:{|TW1001:M|}|}
            {
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => x;
            }
            """);

    [Fact]
    public void A_broken_contract_gets_no_shape_or_hyperparameter_diagnostics()
    {
        // The spec cannot be read, so the other analyzers stay silent rather than guess.
        var diagnostics = Verify.Diagnostics(Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Attention("Dim", "Nope")] private partial Tensor A(Tensor x);
                [Forward] public Tensor Forward([Shape("B,T")] Tensor x) => A(x);
            }
            """);
        Assert.Equal(new[] { "TW1004" }, diagnostics.Select(d => d.Id).ToArray());
    }
}
