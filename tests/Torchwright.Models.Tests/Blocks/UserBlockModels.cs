using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks;

public sealed record GatedConfig(int Dim, int Hidden);

/// <summary>A user block: a gated feed-forward with one GEMM for gate and value.</summary>
[Block(typeof(GatedConfig))]
public partial class GatedMlp
{
    [Linear("Dim", "Hidden*2", Bias = false, Name = "wi")]
    private partial Tensor Up(Tensor x);

    [Linear("Hidden", "Dim", Bias = false, Name = "wo")]
    private partial Tensor Down(Tensor x);

    [Forward]
    private Tensor Forward([Shape("B,T,Dim")] Tensor x)
    {
        var halves = Up(x).chunk(2, -1);
        return Down(nn.functional.gelu(halves[0]) * halves[1]);
    }
}

public sealed record TaggerConfig(int Vocab = 64, int Dim = 32, int Tags = 5);

/// <summary>A model that nests the user block twice, under different names.</summary>
[Model(typeof(TaggerConfig))]
public partial class Tagger
{
    [Embedding("Vocab", "Dim", Name = "wte")]
    private partial Tensor Embed(Tensor ids);

    [Use(typeof(GatedMlp), "Dim", "Dim*2")]
    private partial Tensor First(Tensor x);

    [Use(typeof(GatedMlp), "Dim", "Dim")]
    private partial Tensor Second(Tensor x);

    [RmsNorm("Dim")]
    private partial Tensor Norm(Tensor x);

    [Linear("Dim", "Tags")]
    private partial Tensor Classify(Tensor x);

    [Forward]
    [return: Shape("B,T,Tags")]
    public Tensor Forward([Shape("B,T")] Tensor ids)
    {
        var x = Embed(ids);
        x = x + First(x);
        x = x + Second(x);
        return Classify(Norm(x));
    }
}
