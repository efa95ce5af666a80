using Torchwright;
using Torchwright.Models.Ftp;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>Sizes of <see cref="MyModel"/>; the names are what the layer attributes below refer to.</summary>
/// <param name="Future">How many tokens ahead every position predicts.</param>
public sealed record MyModelConfig(int Vocab = 256, int Context = 64, int Dim = 64, int Heads = 4, int Layers = 2, int Future = 3);

/// <summary>
/// Future token prediction, starting simple: FTP's causal encoder (from Torchwright.Models) gives each position a
/// top vector h_t, and one linear head reads h_t to predict the next <c>Future</c> tokens at once. FTP proper
/// replaces the head by a small decoder over pseudo vectors (see <c>Torchwright.Models.Ftp.FtpModel</c>).
/// </summary>
[Model(typeof(MyModelConfig))]
public partial class MyModel
{
    [Use(typeof(CausalEncoder), "Vocab", "Context", "Dim", "Heads", "Layers")]
    private partial Tensor Encoder(Tensor tokens);

    [Linear("Dim", "Future*Vocab")]
    private partial Tensor Heads(Tensor h);

    /// <summary>Logits of the next <c>Future</c> tokens after every position.</summary>
    /// <param name="tokens">Token ids, <c>[B, T]</c>, T at most <c>Context</c>.</param>
    [Forward]
    [return: Shape("B,T,Future,Vocab")]
    public Tensor Forward([Shape("B,T", Elements = ElementKind.Integer)] Tensor tokens)
    {
        var logits = Heads(Encoder(tokens));
        return logits.view(tokens.shape[0], tokens.shape[1], Config.Future, Config.Vocab);
    }
}
