using Torchwright;
using Torchwright.Runtime.Caching;
using Torchwright.Runtime.Deletion;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>
/// MrT5 (Kallini et al., 2025): a ByT5-style encoder-decoder on bytes whose encoder learns to delete tokens.
/// After <c>GateLayer</c> encoder layers a delete gate scores every token, <c>G = k·σ(−(w·RMSNorm(h) + b))</c>
/// with padding forced to k. In training (soft deletion) G is added to the attention scores of every later
/// encoder layer and of every decoder cross-attention layer, as a per-key bias. At inference (hard deletion)
/// tokens with <c>G ≤ DeletionThreshold</c> are removed: each row is compacted, the relative position bias is
/// read at the kept tokens' original positions, and later layers and cross-attention run on the shorter
/// sequence with a new padding mask.
/// </summary>
/// <remarks>
/// T5 v1.1 conventions: ids are bytes + 3 (pad 0, eos 1), RMSNorm without mean or bias, relative position bias
/// (computed once per stack and shared by its layers), gated-GELU (tanh) feed-forward, no projection biases, no
/// 1/√d on the scores, softmax1, untied output layer. The encoder is two transformer stacks split at the gate
/// (<c>encoder_lower</c>, <c>encoder_upper</c>), so that the gate's bias — or the compaction — applies to the
/// upper one only. Parameter names are the framework's; <see cref="MrT5Checkpoint"/> maps them to and from
/// Hugging Face's T5 names. Call <see cref="InitializeWeights"/> after construction for T5's initialisation and
/// the gate's bias of 1.
/// </remarks>
[Model(typeof(MrT5Config))]
public partial class MrT5Model
{
    [Embedding("Vocab", "Dim", Name = "shared")]
    private partial Tensor Embed(Tensor ids);

    [RelativePositionBias("Heads", Buckets = "Buckets", MaxDistance = "MaxDistance", Name = "encoder_position_bias")]
    private partial Tensor EncoderPositionBias(Tensor positions);

    [TransformerStack("GateLayer", "Dim", "Heads", MlpHidden = "FeedForward", Activation = Activation.GeluTanh, Gated = true,
        Norm = NormKind.RmsNorm, Bias = false, Scaled = false, Softmax1 = true, Name = "encoder_lower")]
    private partial Tensor EncoderLower(Tensor x, Tensor padding, Tensor bias);

    [Use(typeof(DeleteGate), "Dim", Name = "delete_gate")]
    private partial Tensor GateLogits(Tensor hidden);

    [TransformerStack("EncoderLayers-GateLayer", "Dim", "Heads", MlpHidden = "FeedForward", Activation = Activation.GeluTanh, Gated = true,
        Norm = NormKind.RmsNorm, Bias = false, Scaled = false, Softmax1 = true, Name = "encoder_upper")]
    private partial Tensor EncoderUpper(Tensor x, Tensor padding, Tensor bias);

    [RmsNorm("Dim", Name = "encoder_norm")]
    private partial Tensor EncoderNorm(Tensor x);

    [RelativePositionBias("Heads", Buckets = "Buckets", MaxDistance = "MaxDistance", Bidirectional = false, Name = "decoder_position_bias")]
    private partial Tensor DecoderPositionBias(Tensor positions);

    [TransformerStack("DecoderLayers", "Dim", "Heads", MlpHidden = "FeedForward", Activation = Activation.GeluTanh, Gated = true,
        Norm = NormKind.RmsNorm, Bias = false, Scaled = false, Softmax1 = true, Causal = true, MemoryDim = "Dim", Name = "decoder")]
    private partial Tensor DecoderLayers(Tensor x, Tensor memory, Tensor bias, Tensor memoryPadding, Tensor memoryBias);

    [RmsNorm("Dim", Name = "decoder_norm")]
    private partial Tensor DecoderNorm(Tensor x);

    [Linear("Dim", "Vocab", Bias = false, Name = "lm_head")]
    private partial Tensor LmHead(Tensor x);

    /// <summary>Soft deletion (training): decoder logits and the gate values.</summary>
    /// <param name="input">Encoder ids, <c>[B,T]</c>, padded with 0.</param>
    /// <param name="decoderInput">Decoder ids (the targets shifted right behind a 0), <c>[B,U]</c>.</param>
    /// <returns>Logits <c>[B,U,Vocab]</c> and G <c>[B,T]</c>.</returns>
    [Forward]
    public (Tensor Logits, Tensor Gate) Forward([Shape("B,T", Elements = ElementKind.Integer)] Tensor input,
        [Shape("B,U", Elements = ElementKind.Integer)] Tensor decoderInput)
    {
        var lower = Lower(input);
        var (memory, keyGate) = UpperSoft(lower);
        return (Decode(decoderInput, memory, lower.Real, keyGate), lower.Gate);
    }

    /// <summary>Hard deletion (inference): decoder logits, the gate values and the compacted encoder's padding mask.</summary>
    /// <param name="input">Encoder ids, <c>[B,T]</c>, padded with 0.</param>
    /// <param name="decoderInput">Decoder ids, <c>[B,U]</c>.</param>
    /// <returns>Logits <c>[B,U,Vocab]</c>, G <c>[B,T]</c>, and <c>[B,T']</c> bool, true for the kept tokens' slots.</returns>
    /// <exception cref="System.InvalidOperationException">The gate deletes every token of the batch.</exception>
    [Forward]
    public (Tensor Logits, Tensor Gate, Tensor Kept) ForwardHard([Shape("B,T", Elements = ElementKind.Integer)] Tensor input,
        [Shape("B,U", Elements = ElementKind.Integer)] Tensor decoderInput)
    {
        var lower = Lower(input);
        var (memory, padding, _) = UpperHard(lower.Hidden, lower.Gate);
        return (Decode(decoderInput, memory, padding, NoBias(padding)), lower.Gate, padding);
    }

    /// <summary>
    /// Soft deletion with the attention-score regulariser for training from scratch: the mean over encoder layers
    /// from the gate on and over decoder cross-attention layers of <c>mean(max(S, 5)) − 5</c>, where S are the
    /// scores before the gate is added (with position bias and padding mask). It keeps the scores small enough
    /// for G = k to silence a key. It recomputes the score projections, so it costs more than <see cref="Forward"/>.
    /// </summary>
    /// <param name="input">Encoder ids, <c>[B,T]</c>, padded with 0.</param>
    /// <param name="decoderInput">Decoder ids, <c>[B,U]</c>.</param>
    /// <returns>Logits <c>[B,U,Vocab]</c>, G <c>[B,T]</c>, and the regulariser as a scalar.</returns>
    [Forward]
    public (Tensor Logits, Tensor Gate, Tensor ScoreExcess) ForwardScored([Shape("B,T", Elements = ElementKind.Integer)] Tensor input,
        [Shape("B,U", Elements = ElementKind.Integer)] Tensor decoderInput)
    {
        var lower = Lower(input);
        var keyGate = KeyBias(lower.Gate);
        var scored = new LayerScores(Config, lower.Real);
        var hidden = scored.RunEncoder(RegisteredModules.Get<Runtime.Blocks.TransformerStack>(this, "encoder_upper"), lower.Hidden, lower.PositionBias, keyGate);
        var memory = EncoderNorm(hidden);
        var decoded = scored.RunDecoder(RegisteredModules.Get<Runtime.Blocks.TransformerStack>(this, "decoder"), Embed(decoderInput), DecoderBias(decoderInput), memory, keyGate);
        return (LmHead(DecoderNorm(decoded)), lower.Gate, scored.Mean());
    }

    /// <summary>The encoder alone, for generation: the memory to cross-attend to, with its padding and bias.</summary>
    /// <param name="input">Encoder ids, <c>[B,T]</c>, padded with 0.</param>
    /// <param name="hardDelete">Remove deleted tokens (inference) rather than masking them softly.</param>
    /// <returns>Memory <c>[B,S,Dim]</c>, its padding <c>[B,S]</c>, the cross-attention bias <c>[B,1,1,S]</c> and G <c>[B,T]</c>;
    /// S = T' after hard deletion, T otherwise.</returns>
    [Forward]
    public (Tensor Memory, Tensor Padding, Tensor Bias, Tensor Gate) Encode([Shape("B,T", Elements = ElementKind.Integer)] Tensor input, bool hardDelete)
    {
        var lower = Lower(input);
        if (hardDelete)
        {
            var (memory, padding, _) = UpperHard(lower.Hidden, lower.Gate);
            return (memory, padding, NoBias(padding), lower.Gate);
        }
        var (softMemory, keyGate) = UpperSoft(lower);
        return (softMemory, lower.Real, keyGate, lower.Gate);
    }

    /// <summary>The encoder up to the gate: hidden states entering the gate layer and the gate values.</summary>
    /// <param name="input">Encoder ids, <c>[B,T]</c>, padded with 0.</param>
    /// <returns>Hidden states <c>[B,T,Dim]</c> and G <c>[B,T]</c>.</returns>
    [Forward]
    public (Tensor Hidden, Tensor Gate) EncodeLower([Shape("B,T", Elements = ElementKind.Integer)] Tensor input)
    {
        var lower = Lower(input);
        return (lower.Hidden, lower.Gate);
    }

    /// <summary>The encoder after the gate with hard deletion: compaction, position bias by original positions,
    /// the upper layers and the final norm.</summary>
    /// <param name="hidden">Hidden states entering the gate layer, <c>[B,T,Dim]</c>.</param>
    /// <param name="gate">Gate values, <c>[B,T]</c>; tokens at or below the deletion threshold are removed.</param>
    /// <returns>Memory <c>[B,T',Dim]</c>, its padding <c>[B,T']</c> and the kept tokens' original positions <c>[B,T']</c>.</returns>
    [Forward]
    public (Tensor Memory, Tensor Padding, Tensor Positions) EncodeAfterGate([Shape("B,T,Dim")] Tensor hidden,
        [Shape("B,T", Elements = ElementKind.Floating)] Tensor gate)
        => UpperHard(hidden, gate);

    /// <summary>The encoder after the gate with soft deletion (training's path): every token stays, G biases the scores.
    /// Shown beside <see cref="EncodeAfterGate"/> to measure what compaction saves.</summary>
    /// <param name="hidden">Hidden states entering the gate layer, <c>[B,T,Dim]</c>.</param>
    /// <param name="gate">Gate values, <c>[B,T]</c>.</param>
    /// <param name="real"><c>[B,T]</c> bool, true for real (non-padding) tokens.</param>
    /// <returns>Memory <c>[B,T,Dim]</c>.</returns>
    [Forward]
    [return: Shape("B,T,Dim")]
    public Tensor EncodeAfterGateSoft([Shape("B,T,Dim")] Tensor hidden, [Shape("B,T", Elements = ElementKind.Floating)] Tensor gate,
        [Shape("B,T", Elements = ElementKind.Boolean)] Tensor real)
    {
        var positionBias = EncoderPositionBias(arange(hidden.shape[1], ScalarType.Int64, hidden.device)).contiguous();
        return UpperSoft(new LowerEncoding(hidden, gate, real, positionBias)).Memory;
    }

    /// <summary>The decoder: causal self-attention with its own relative position bias, cross-attention to the memory.</summary>
    /// <param name="decoderInput">Decoder ids, <c>[B,U]</c>.</param>
    /// <param name="memory">Encoder output, <c>[B,S,Dim]</c>.</param>
    /// <param name="memoryPadding"><c>[B,S]</c> bool, true for real memory positions.</param>
    /// <param name="memoryBias">Added to the cross-attention scores, <c>[B,1,1,S]</c> (the gate, or zeros after hard deletion).</param>
    /// <returns>Logits <c>[B,U,Vocab]</c>.</returns>
    [Forward]
    [return: Shape("B,U,Vocab")]
    public Tensor Decode([Shape("B,U", Elements = ElementKind.Integer)] Tensor decoderInput, [Shape("B,S,Dim")] Tensor memory,
        [Shape("B,S", Elements = ElementKind.Boolean)] Tensor memoryPadding, [Shape("B,1,1,S")] Tensor memoryBias)
        => LmHead(DecoderNorm(DecoderLayers(Embed(decoderInput), memory, DecoderBias(decoderInput), memoryPadding, memoryBias)));

    // Embedding, the lower stack with the encoder's position bias (computed once, reused by soft deletion's upper stack), and the gate.
    private LowerEncoding Lower(Tensor input)
    {
        var real = input.ne(ByT5Bytes.Pad);
        // The bias comes back as a permuted view; every layer reads it, so lay it out once.
        var positionBias = EncoderPositionBias(arange(input.shape[1], ScalarType.Int64, input.device)).contiguous();
        var hidden = EncoderLower(Embed(input), real, positionBias);
        return new LowerEncoding(hidden, GateValues(hidden, real), real, positionBias);
    }

    // G = k·σ(−logit), padding forced to k; with the gate switched off G = 0 on real tokens.
    private Tensor GateValues(Tensor hidden, Tensor real)
    {
        var padding = real.logical_not();
        if (!Config.GateEnabled)
        {
            return zeros(real.shape, ScalarType.Float32, real.device).masked_fill_(padding, Config.GateScale);
        }
        var logits = GateLogits(hidden).squeeze(-1);
        return (logits.neg().sigmoid() * Config.GateScale).masked_fill(padding, Config.GateScale);
    }

    // Soft deletion: the gate joins the position bias of every upper layer and biases cross-attention.
    private (Tensor Memory, Tensor KeyGate) UpperSoft(LowerEncoding lower)
    {
        var keyGate = KeyBias(lower.Gate);
        var upper = EncoderUpper(lower.Hidden, lower.Real, lower.PositionBias + keyGate);
        return (EncoderNorm(upper), keyGate);
    }

    // Hard deletion: keep G > threshold, compact, position bias at the original positions, new padding mask.
    // The bias is bucketed from the kept tokens' original distances, so its cost shrinks with (1 − d)² like the layers'.
    private (Tensor Memory, Tensor Padding, Tensor Positions) UpperHard(Tensor hidden, Tensor gate)
    {
        var compacted = TokenCompaction.Compact(gate.gt(Config.DeletionThreshold));
        var positionBias = EncoderPositionBias(compacted.Positions).contiguous(); // [B,H,T',T'], read by every layer
        var upper = EncoderUpper(compacted.Gather(hidden), compacted.Padding, positionBias);
        return (EncoderNorm(upper), compacted.Padding, compacted.Positions);
    }

    private Tensor DecoderBias(Tensor decoderInput)
        => DecoderPositionBias(arange(decoderInput.shape[1], ScalarType.Int64, decoderInput.device)).contiguous();

    // [B,T] → [B,1,1,T]: one bias per key, shared by heads and queries.
    private static Tensor KeyBias(Tensor gate) => gate.unsqueeze(1).unsqueeze(1);

    private static Tensor NoBias(Tensor padding) => zeros(new[] { padding.shape[0], 1, 1, padding.shape[1] }, ScalarType.Float32, padding.device);

    private sealed record LowerEncoding(Tensor Hidden, Tensor Gate, Tensor Real, Tensor PositionBias);
}
