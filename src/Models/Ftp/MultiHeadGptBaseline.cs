using Torchwright;
using Torchwright.Runtime.Losses;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>
/// The multi-token baseline of the FTP comparisons: the same <see cref="CausalEncoder"/> with N independent linear
/// heads, head k predicting x_{t+k} from h_t alone. The heads are stored as one <c>[N·Vocab, Dim]</c> weight and
/// computed by one GEMM; row block k is head k, and no head sees another's output or the tokens in between.
/// Trained with the same γ^(k−1)-weighted loss as FTP.
/// </summary>
[Model(typeof(FtpConfig))]
public partial class MultiHeadGptBaseline
{
    [Use(typeof(CausalEncoder), "Vocab", "Context", "Dim", "Heads", "Layers")]
    private partial Tensor Encoder(Tensor tokens);

    [Linear("Dim", "Future*Vocab", Bias = false)]
    private partial Tensor Heads(Tensor h);

    /// <summary>The encoder's top vectors h.</summary>
    /// <param name="tokens">Token ids, <c>[B, T]</c>.</param>
    [Forward]
    [return: Shape("B,T,Dim")]
    public Tensor Encode([Shape("B,T")] Tensor tokens) => Encoder(tokens);

    /// <summary>Logits of the next N tokens at every position, one head each.</summary>
    /// <param name="tokens">Token ids, <c>[B, T]</c>.</param>
    [Forward]
    [return: Shape("B,T,Future,Vocab")]
    public Tensor Forward([Shape("B,T")] Tensor tokens)
    {
        var logits = Heads(Encoder(tokens));
        return logits.view(logits.shape[0], logits.shape[1], Config.Future, Config.Vocab);
    }

    /// <summary>The γ^(k−1)-weighted cross-entropy over the next N tokens on a window <c>[B, T+1]</c> or longer.</summary>
    /// <param name="window">Token ids, <c>[B, L]</c>.</param>
    /// <param name="length">T, the number of positions; <c>T &lt; L</c>.</param>
    public Tensor Loss(Tensor window, long length)
    {
        using var scope = NewDisposeScope();
        var future = MultiTokenTargets.Following(window, length, Config.Future);
        var logits = forward(window.narrow(1, 0, length));
        return MultiTokenCrossEntropy.Loss(logits, future, Config.LossWeights()).MoveToOuterDisposeScope();
    }
}
