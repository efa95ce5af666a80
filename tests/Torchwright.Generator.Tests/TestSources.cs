namespace Torchwright.Generator.Tests;

/// <summary>Model sources shared by the spec, snapshot and incremental tests.</summary>
internal static class TestSources
{
    public const string Usings = """
        using Torchwright;
        using static TorchSharp.torch;

        """;

    /// <summary>A user block used by a model, with renamed layers and a mixed-width feed-forward.</summary>
    public const string BlockAndModel = Usings + """
        namespace Demo;

        public sealed record GatedConfig(int Dim, int Hidden);

        [Block(typeof(GatedConfig))]
        public partial class GatedMlp
        {
            [Linear("Dim", "Hidden*2", Bias = false, Name = "wi")]
            private partial Tensor Up(Tensor x);

            [Linear("Hidden", "Dim", Bias = false, Name = "wo")]
            private partial Tensor Down(Tensor x);

            [Forward]
            private Tensor Forward([Shape("N,Dim")] Tensor x)
            {
                var both = Up(x).chunk(2, -1);
                return Down(nn.functional.gelu(both[0]) * both[1]);
            }
        }

        public sealed record TaggerConfig(int Vocab = 64, int Dim = 32, int Tags = 5);

        [Model(typeof(TaggerConfig))]
        public partial class Tagger
        {
            [Embedding("Vocab", "Dim", Name = "wte")]
            private partial Tensor Embed(Tensor ids);

            [Use(typeof(GatedMlp), "Dim", "Dim*2")]
            private partial Tensor Mix(Tensor x);

            [RmsNorm("Dim")]
            private partial Tensor Norm(Tensor x);

            [Linear("Dim", "Tags")]
            private partial Tensor Classify(Tensor x);

            [Forward]
            public Tensor Forward([Shape("B,T")] Tensor ids)
            {
                var x = Embed(ids);
                return Classify(Norm(x + Mix(x.view(-1, Config.Dim)).view(x.shape)));
            }
        }
        """;

    /// <summary>A model nested in a class, with two entries, a tuple result and a non-tensor argument.</summary>
    public const string NestedWithEntries = Usings + """
        namespace Demo.Nested;

        public sealed record PairConfig(int Dim = 16, int Heads = 2);

        public static partial class Zoo
        {
            [Model(typeof(PairConfig))]
            internal partial class Pair
            {
                [Attention("Dim", "Heads", Causal = true, Bias = false)]
                private partial Tensor Mix(Tensor x);

                [Mlp("Dim", "Dim*2", Activation = Activation.GeluTanh)]
                private partial Tensor Ffn(Tensor x);

                [Forward]
                public (Tensor Mixed, Tensor Fed) Forward([Shape("B,T,Dim")] Tensor x, [Shape("B,T,Dim")] Tensor y, double scale)
                    => (Mix(x) * scale, Ffn(y));

                [Forward]
                [return: Shape("B,T,Dim")]
                internal Tensor EncodeBoth([Shape("B,T,Dim")] Tensor x, [Shape("B,_,Dim/Heads*Heads")] Tensor memory)
                    => Ffn(Mix(x)) + memory.mean(new long[] { 1 }, keepdim: true);
            }
        }
        """;
}
