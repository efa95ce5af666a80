using System.Threading.Tasks;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;

namespace Torchwright.Analyzers.Tests;

public class SmokeTests
{
    [Fact]
    public Task Linear_width_mismatch_is_reported_at_the_argument()
        => Verify.Analyzer(Verify.Usings + """
            public sealed record C(int Dim = 64, int Vocab = 100);

            [Model(typeof(C))]
            public partial class M
            {
                [Linear("Dim", "Dim*2")]
                private partial Tensor Up(Tensor x);

                [Linear("Dim", "Vocab")]
                private partial Tensor Head(Tensor x);

                [Forward]
                public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Head({|TW3001:Up(x)|});
            }
            """);
}
