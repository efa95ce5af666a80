using Torchwright;
using Torchwright.Runtime.Losses;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>
/// Future token prediction (Walker, 2024): a causal encoder with no per-token output layer, whose top vector
/// h_t is expanded by one linear map into P pseudo vectors M_t; a small decoder then predicts the next N tokens
/// x_{t+1..t+N} from M_t alone. Decoder sequence t reads a learned start vector followed by the teacher-forced
/// tokens x_{t+1..t+N−1}, with learned slot positions 0..N−1, causal self-attention over its N slots and
/// cross-attention to the P pseudo vectors of the same t only. All B·T decoder sequences run as one batch of
/// <c>[B·T, N, D_d]</c> against a memory of <c>[B·T, P, D_d]</c>: positions never meet inside the decoder, so
/// h_t is the sole channel from the past to every prediction at t.
/// </summary>
/// <remarks>
/// The expansion, the decoder and its head draw their weights N(0, 1/fan-in) (<see cref="WeightInit.FanIn"/>), not
/// GPT-2's N(0, 0.02²) of the encoder: h_t reaches a prediction only through the expansion, the cross-attention's
/// values and its output projection, three fresh maps in a row with no residual path around them. At 0.02 each
/// (gain 0.16 at width 64) they pass about 0.4 % of h at the start, and in the tiny topic run (300 steps) the encoder
/// then learned almost nothing: topic probe 25 % against the GPT baseline's 91 %, next-token loss 1.10x GPT's.
/// With fan-in weights the same run reaches the baseline (probe 90.8 % both, loss 0.99x; on the notes' pure topic data).
/// </remarks>
[Model(typeof(FtpConfig))]
public partial class FtpModel
{
    [Use(typeof(CausalEncoder), "Vocab", "Context", "Dim", "Heads", "Layers")]
    private partial Tensor Encoder(Tensor tokens);

    [Linear("Dim", "Pseudo*DecoderDim", Init = WeightInit.FanIn)]
    private partial Tensor Expand(Tensor h);

    [Learned("DecoderDim")]
    private partial Tensor Start();

    [Embedding("Vocab", "DecoderDim")]
    private partial Tensor SlotEmbed(Tensor tokens);

    [LearnedPositions("Future", "DecoderDim")]
    private partial Tensor SlotPositions(Tensor x);

    [TransformerStack("DecoderLayers", "DecoderDim", "DecoderHeads", Causal = true, MemoryDim = "DecoderDim", MlpHidden = "DecoderDim*DecoderMlpRatio", Init = WeightInit.FanIn)]
    private partial Tensor Decoder(Tensor x, Tensor memory);

    [LayerNorm("DecoderDim")]
    private partial Tensor DecoderNorm(Tensor x);

    [Linear("DecoderDim", "Vocab", Bias = false, Init = WeightInit.FanIn)]
    private partial Tensor Head(Tensor x);

    /// <summary>The encoder's top vectors h, the per-token semantic state.</summary>
    /// <param name="tokens">Token ids, <c>[B, T]</c>, T at most <c>Context</c>.</param>
    [Forward]
    [return: Shape("B,T,Dim")]
    public Tensor Encode([Shape("B,T")] Tensor tokens) => Encoder(tokens);

    /// <summary>
    /// Runs the decoder from given top vectors: sequence t has the start vector and then <paramref name="inputs"/>[t]
    /// in its slots, and cross-attends to the pseudo vectors of h_t only. Returns the logits of every slot: slot j
    /// predicts the token j+1 places after t.
    /// </summary>
    /// <param name="h">Top vectors, <c>[B, T, Dim]</c>.</param>
    /// <param name="inputs">Tokens after each t to feed the slots after the start, <c>[B, T, S]</c> valid ids, S at most N−1 (S = 0 for one step).</param>
    [Forward]
    [return: Shape("B,T,S+1,Vocab")]
    public Tensor Decode([Shape("B,T,Dim")] Tensor h, [Shape("B,T,S")] Tensor inputs)
    {
        long batch = h.shape[0], length = h.shape[1], given = inputs.shape[2], width = Config.DecoderDim;
        if (given >= Config.Future)
        {
            throw new System.ArgumentException(
                $"The decoder has {Config.Future} slots (Future): the start vector and at most {Config.Future - 1} tokens, but inputs carry {given} tokens per position.", nameof(inputs));
        }
        var memory = Expand(h).view(batch * length, Config.Pseudo, width);
        var start = Start().view(1, 1, width).expand(batch * length, 1, width);
        var slots = given == 0 ? start : cat(new[] { start, SlotEmbed(inputs.reshape(batch * length, given)) }, 1);
        var decoded = Decoder(SlotPositions(slots), memory);
        return Head(DecoderNorm(decoded)).view(batch, length, given + 1, Config.Vocab);
    }

    /// <summary>Next-token logits from each top vector: the decoder's first slot alone (decoder step 1).</summary>
    /// <param name="h">Top vectors, <c>[B, T, Dim]</c>.</param>
    [Forward]
    [return: Shape("B,T,Vocab")]
    public Tensor NextToken([Shape("B,T,Dim")] Tensor h)
    {
        using var none = empty(h.shape[0], h.shape[1], 0, dtype: ScalarType.Int64, device: h.device);
        return Decode(h, none).squeeze(2);
    }

    /// <summary>
    /// Teacher-forced logits of the next N tokens from every position: the decoder slots after the start hold
    /// <paramref name="future"/>[.., 0..N−2]. Missing future tokens (negative ids, past the end of the data) are fed
    /// as token 0; they only reach slots whose own targets are missing too, since the slots are causal.
    /// </summary>
    /// <param name="tokens">Token ids, <c>[B, T]</c>.</param>
    /// <param name="future">The N tokens after each position, <c>[B, T, N]</c>, as built by <see cref="MultiTokenTargets.Following"/>.</param>
    [Forward]
    [return: Shape("B,T,Future,Vocab")]
    public Tensor Forward([Shape("B,T")] Tensor tokens, [Shape("B,T,Future")] Tensor future)
    {
        var inputs = future.narrow(2, 0, Config.Future - 1).clamp_min(0);
        return Decode(Encoder(tokens), inputs);
    }

    /// <summary>
    /// The training loss on a window <c>[B, T+1]</c> (or longer): the γ^(k−1)-weighted cross-entropy over the next N
    /// tokens of each of the first T positions, missing targets at the end left out.
    /// </summary>
    /// <param name="window">Token ids, <c>[B, L]</c>; positions 0..T−1 are read and predicted from, with T = <paramref name="length"/>.</param>
    /// <param name="length">T, the number of positions; <c>T &lt; L</c>.</param>
    public Tensor Loss(Tensor window, long length)
    {
        using var scope = NewDisposeScope();
        var future = MultiTokenTargets.Following(window, length, Config.Future);
        var logits = forward(window.narrow(1, 0, length), future);
        return MultiTokenCrossEntropy.Loss(logits, future, Config.LossWeights()).MoveToOuterDisposeScope();
    }
}
