using System.Linq;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>What the generator cannot read becomes one clear TW0001 diagnostic, never an exception.</summary>
public class CannotExpandTests
{
    private const string Config = "public sealed record C(int Dim = 8, int Heads = 2);\n";

    [Theory]
    [InlineData("[Model(typeof(C))] public class M { [Forward] public Tensor Forward(Tensor x) => x; }", "must be declared 'partial'")]
    [InlineData("[Model(typeof(C))] public partial class M { }", "no method marked [Forward]")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Widht\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "'Widht', which is not a member of the configuration")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim*\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "not a valid dimension expression")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\")] private partial int L(Tensor x); [Forward] public Tensor Forward(Tensor x) => x; }", "must return Tensor")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\", TiedTo = \"Nope\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "not an [Embedding] layer")]
    [InlineData("[Model(typeof(C))] public partial class M { [Forward] public Tensor Forward([Shape(\"B,,T\")] Tensor x) => x; }", "cannot be read")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\")] private partial Tensor L(Tensor x, Tensor y); [Forward] public Tensor Forward(Tensor x) => L(x, x); }", "takes 1 tensor(s)")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\")] [LayerNorm(\"Dim\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "a method is one layer")]
    [InlineData("[Model(typeof(C))] public partial class M { [Linear(\"Dim\", \"Dim\", Name = \"a.b\")] private partial Tensor L(Tensor x); [Forward] public Tensor Forward(Tensor x) => L(x); }", "must not contain '.'")]
    public void Broken_contract_reports_TW0001_with_reason(string body, string reason)
    {
        var (_, run) = GeneratorHarness.Generate(TestSources.Usings + Config + body);

        var diagnostic = Assert.Single(run.Diagnostics, d => d.Id == "TW0001");
        Assert.Contains(reason, diagnostic.GetMessage());
        Assert.NotEqual(Microsoft.CodeAnalysis.Location.None, diagnostic.Location);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "TW0002");
        Assert.Empty(run.Results.Single().GeneratedSources);
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
