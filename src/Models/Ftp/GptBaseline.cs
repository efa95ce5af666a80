using Torchwright;
using Torchwright.Runtime.Losses;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>
/// The GPT baseline of the FTP comparisons: the same <see cref="CausalEncoder"/> (sized by the encoder members of
/// <see cref="FtpConfig"/>) with a next-token output layer on its top vectors.
/// </summary>
[Model(typeof(FtpConfig))]
public partial class GptBaseline
{
    [Use(typeof(CausalEncoder), "Vocab", "Context", "Dim", "Heads", "Layers")]
    private partial Tensor Encoder(Tensor tokens);

    [Linear("Dim", "Vocab", Bias = false)]
    private partial Tensor Head(Tensor h);

    /// <summary>The encoder's top vectors h.</summary>
    /// <param name="tokens">Token ids, <c>[B, T]</c>.</param>
    [Forward]
    [return: Shape("B,T,Dim")]
    public Tensor Encode([Shape("B,T")] Tensor tokens) => Encoder(tokens);

    /// <summary>Next-token logits at every position.</summary>
    /// <param name="tokens">Token ids, <c>[B, T]</c>.</param>
    [Forward]
    [return: Shape("B,T,Vocab")]
    public Tensor Forward([Shape("B,T")] Tensor tokens) => Head(Encoder(tokens));

    /// <summary>Next-token cross-entropy on a window <c>[B, T+1]</c> or longer, over the first T positions.</summary>
    /// <param name="window">Token ids, <c>[B, L]</c>.</param>
    /// <param name="length">T, the number of positions; <c>T &lt; L</c>.</param>
    public Tensor Loss(Tensor window, long length)
    {
        using var scope = NewDisposeScope();
        var next = MultiTokenTargets.Following(window, length, 1);
        var logits = forward(window.narrow(1, 0, length)).unsqueeze(2);
        return MultiTokenCrossEntropy.Loss(logits, next, new[] { 1.0 }).MoveToOuterDisposeScope();
    }
}
