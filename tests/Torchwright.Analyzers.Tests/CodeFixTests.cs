using System.Threading.Tasks;
using Torchwright.Analyzers.Tests.Harness;
using Torchwright.Generator.CodeFixes;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>The mechanical fixes: make the type partial, add the missing [Shape], correct a misspelt member.</summary>
public class CodeFixTests
{
    private const string Config = "public sealed record C(int Vocab = 100, int Dim = 64, int Width = 32);\n\n";

    [Fact]
    public Task TW1001_makes_the_model_and_its_enclosing_type_partial()
        => Verify.CodeFix<MakePartialCodeFix>(Verify.Usings + Config + """
            public static class Zoo
            {
                [Model(typeof(C))]
                public sealed class {|TW0001:{|TW1001:M|}|}
                {
                    [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => x;
                }
            }
            """, Verify.Usings + Config + """
            public static partial class Zoo
            {
                [Model(typeof(C))]
                public sealed partial class M
                {
                    [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => x;
                }
            }
            """);

    [Fact]
    public Task TW3007_adds_the_shape_the_parameter_is_used_as()
        => Verify.CodeFix<AddShapeCodeFix>(Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
                [Forward] public Tensor Forward(Tensor {|TW3007:x|}) => Head(x);
            }
            """, Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
                [Forward] public Tensor Forward([Shape("...,Dim")] Tensor x) => Head(x);
            }
            """);

    [Fact]
    public Task TW3007_adds_any_shape_when_the_use_tells_nothing()
        => Verify.CodeFix<AddShapeCodeFix>(Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x, Tensor {|TW3007:bias|}) => x + bias;
            }
            """, Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x, [Shape("...")] Tensor bias) => x + bias;
            }
            """);

    [Fact]
    public Task TW1004_replaces_the_misspelt_member_by_the_nearest_name()
        => Verify.CodeFix<ConfigMemberNameCodeFix>(Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Linear("Dim", {|TW0001:{|TW1004:"Widht*2"|}|})] private partial Tensor L(Tensor x);
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => L(x);
            }
            """, Verify.Usings + Config + """
            [Model(typeof(C))]
            public partial class M
            {
                [Linear("Dim", "Width*2")] private partial Tensor L(Tensor x);
                [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => L(x);
            }
            """, compilerErrors: false);
}
