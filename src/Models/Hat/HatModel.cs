using Torchwright;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Caching;
using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>
/// HAT, the hierarchical autoregressive transformer (Neitemeier et al., 2025): bytes in, bytes out, with the
/// expensive model running on words.
/// <list type="number">
/// <item>A causal byte encoder runs over the whole byte stream (not word by word).</item>
/// <item>The encoder connector (<see cref="WordPooler"/>) pools each word's bytes into one vector of the backbone's width.</item>
/// <item>A causal word backbone runs over the word vectors.</item>
/// <item>The decoder connector shifts the backbone output by one word (word j receives the output for word j−1; the first
/// word a learned vector) and <see cref="WordInjection"/> adds it to every byte of word j.</item>
/// <item>A causal byte decoder starts from the encoder states plus that injection; a norm and the head give next-byte logits.</item>
/// </list>
/// The logit at byte t depends on bytes ≤ t (encoder, decoder) and on the words before t's word (backbone) only.
/// Parameter names follow the reference's prefixes: <c>encoder.</c>, <c>encoder_connector.</c>, <c>backbone.</c>,
/// <c>decoder_connector.</c>, <c>decoder.</c>, <c>layer_norm</c>, <c>lm_head</c>. Every stack is Llama-style: pre-RMSNorm,
/// rotary positions, SwiGLU (hidden 8/3 of the width), no biases.
/// </summary>
[Model(typeof(HatConfig))]
public partial class HatModel
{
    private TransformerStack? encoderStack;
    private TransformerStack? backboneStack;
    private TransformerStack? decoderStack;

    [Embedding("Vocab", "EncoderDim")]
    private partial Tensor Embed(Tensor bytes);

    [TransformerStack("EncoderLayers", "EncoderDim", "EncoderHeads", KvHeads = "EncoderKeyHeads", Causal = true, Window = "SlidingWindow", Rope = true, Norm = NormKind.RmsNorm,
        Activation = Activation.Silu, Gated = true, Bias = false, MlpHidden = "EncoderDim*8/3")]
    private partial Tensor Encoder(Tensor x, Tensor positions);

    [Use(typeof(WordPooler), "EncoderDim", "BackboneDim", "BackboneHeads", "BackboneKeyHeads")]
    private partial Tensor EncoderConnector(Tensor states, Tensor bytePositions, Tensor byteWords, Tensor wordPositions, Tensor wordGroups);

    [TransformerStack("BackboneLayers", "BackboneDim", "BackboneHeads", KvHeads = "BackboneKeyHeads", Causal = true, Rope = true, Norm = NormKind.RmsNorm,
        Activation = Activation.Silu, Gated = true, Bias = false, MlpHidden = "BackboneDim*8/3")]
    private partial Tensor Backbone(Tensor x, Tensor positions);

    [Learned("1,1,BackboneDim", Name = "first_word_embedding")]
    private partial Tensor FirstWord();

    [Use(typeof(WordInjection), "BackboneDim", "EncoderDim")]
    private partial Tensor DecoderConnector(Tensor previous);

    [TransformerStack("DecoderLayers", "EncoderDim", "EncoderHeads", KvHeads = "EncoderKeyHeads", Causal = true, Window = "SlidingWindow", Rope = true, Norm = NormKind.RmsNorm,
        Activation = Activation.Silu, Gated = true, Bias = false, MlpHidden = "EncoderDim*8/3")]
    private partial Tensor Decoder(Tensor x, Tensor positions);

    [RmsNorm("EncoderDim", Name = "layer_norm")]
    private partial Tensor Norm(Tensor x);

    [Linear("EncoderDim", "Vocab", Bias = false)]
    private partial Tensor LmHead(Tensor x);

    /// <summary>How many times the backbone has run (a whole sequence or a cached step counts once).</summary>
    public long BackboneCalls { get; private set; }

    /// <summary>How many word positions the backbone has processed in total.</summary>
    public long BackboneWords { get; private set; }

    /// <summary>Word count of the backbone's last run.</summary>
    public long LastBackboneLength { get; private set; }

    /// <summary>Next-byte logits for every byte. Build the word inputs with <see cref="HatInputs"/>.</summary>
    /// <param name="bytes">Byte values, <c>[B, T]</c>.</param>
    /// <param name="byteWords">Word index of each byte, <c>[B, T]</c> (from the word splitter).</param>
    /// <param name="wordGroups">Word index of each word slot, <c>[B, W]</c>: 0…count−1, then −1 for padding.</param>
    [Forward]
    [return: Shape("B,T,Vocab")]
    public Tensor Forward([Shape("B,T")] Tensor bytes, [Shape("B,T")] Tensor byteWords, [Shape("B,W")] Tensor wordGroups)
    {
        long batch = bytes.shape[0], length = bytes.shape[1], words = wordGroups.shape[1];
        var bytePositions = arange(length, device: bytes.device);
        var wordPositions = arange(words, device: bytes.device);
        var states = Encoder(Embed(bytes), bytePositions);
        var pooled = EncoderConnector(states, bytePositions, byteWords, wordPositions, wordGroups);
        var backbone = CountBackbone(Backbone(pooled, wordPositions));
        // Word j is decoded with the backbone's output for word j−1; the first word with a learned vector.
        var previous = cat(new[] { FirstWord().expand(batch, 1, -1), backbone.narrow(1, 0, words - 1) }, 1);
        var perWord = DecoderConnector(previous);
        var perByte = perWord.gather(1, byteWords.unsqueeze(-1).expand(batch, length, perWord.shape[2]));
        return LmHead(Norm(Decoder(states + perByte, bytePositions)));
    }

    /// <summary>The backbone's output for every word, <c>[B, W, BackboneDim]</c>: one position per word of the splitter.</summary>
    /// <param name="bytes">Byte values, <c>[B, T]</c>.</param>
    /// <param name="byteWords">Word index of each byte, <c>[B, T]</c>.</param>
    /// <param name="wordGroups">Word index of each word slot, <c>[B, W]</c>, −1 for padding.</param>
    [Forward]
    [return: Shape("B,W,BackboneDim")]
    public Tensor WordStates([Shape("B,T")] Tensor bytes, [Shape("B,T")] Tensor byteWords, [Shape("B,W")] Tensor wordGroups)
    {
        var bytePositions = arange(bytes.shape[1], device: bytes.device);
        var wordPositions = arange(wordGroups.shape[1], device: bytes.device);
        var states = Encoder(Embed(bytes), bytePositions);
        return CountBackbone(Backbone(EncoderConnector(states, bytePositions, byteWords, wordPositions, wordGroups), wordPositions));
    }

    /// <summary>Cached encoder step: the encoder states of new bytes that follow the bytes already in <paramref name="cache"/>.</summary>
    /// <param name="bytes">The new bytes, <c>[B, T]</c>.</param>
    /// <param name="positions">Their positions in the stream, <c>[T]</c>.</param>
    /// <param name="cache">The encoder's key/value cache (<see cref="HatCaches.Encoder"/>).</param>
    [Forward]
    [return: Shape("B,T,EncoderDim")]
    public Tensor EncodeStep([Shape("B,T")] Tensor bytes, [Shape("T")] Tensor positions, TransformerCache cache)
        => CachedTransformer.Step(encoderStack ??= RegisteredModules.Get<TransformerStack>(this, "encoder"), Embed(bytes), cache, positions);

    /// <summary>Pools complete words from their bytes' encoder states (the encoder connector alone).</summary>
    /// <param name="states">Encoder states of the words' bytes, <c>[B, T, EncoderDim]</c>.</param>
    /// <param name="bytePositions">Their positions in the stream, <c>[T]</c>.</param>
    /// <param name="byteWords">Word index of each byte, <c>[B, T]</c>.</param>
    /// <param name="wordPositions">Positions of the words, <c>[W]</c>.</param>
    /// <param name="wordGroups">Word index of each word slot, <c>[B, W]</c>.</param>
    [Forward]
    [return: Shape("B,W,BackboneDim")]
    public Tensor PoolWords([Shape("B,T,EncoderDim")] Tensor states, [Shape("T")] Tensor bytePositions, [Shape("B,T")] Tensor byteWords,
        [Shape("W")] Tensor wordPositions, [Shape("B,W")] Tensor wordGroups)
        => EncoderConnector(states, bytePositions, byteWords, wordPositions, wordGroups);

    /// <summary>Cached backbone step over newly completed words.</summary>
    /// <param name="words">Pooled vectors of the new words, <c>[B, W, BackboneDim]</c>.</param>
    /// <param name="positions">Their word positions, <c>[W]</c>.</param>
    /// <param name="cache">The backbone's key/value cache (<see cref="HatCaches.Backbone"/>).</param>
    [Forward]
    [return: Shape("B,W,BackboneDim")]
    public Tensor BackboneStep([Shape("B,W,BackboneDim")] Tensor words, [Shape("W")] Tensor positions, TransformerCache cache)
        => CountBackbone(CachedTransformer.Step(backboneStack ??= RegisteredModules.Get<TransformerStack>(this, "backbone"), words, cache, positions));

    /// <summary>The decoder injection for words whose previous word's backbone output is <paramref name="previous"/>.</summary>
    /// <param name="previous">Backbone outputs, <c>[B, W, BackboneDim]</c>.</param>
    [Forward]
    [return: Shape("B,W,EncoderDim")]
    public Tensor Injection([Shape("B,W,BackboneDim")] Tensor previous) => DecoderConnector(previous);

    /// <summary>The decoder injection of the first word (from the learned first-word vector), <c>[1, 1, EncoderDim]</c>.</summary>
    [Forward]
    [return: Shape("1,1,EncoderDim")]
    public Tensor FirstWordInjection() => DecoderConnector(FirstWord());

    /// <summary>Cached decoder step: next-byte logits for new bytes, given their encoder states and their words' injections.</summary>
    /// <param name="states">Encoder states of the new bytes, <c>[B, T, EncoderDim]</c>.</param>
    /// <param name="injection">Each new byte's word injection, <c>[B, T, EncoderDim]</c>.</param>
    /// <param name="positions">Their positions in the stream, <c>[T]</c>.</param>
    /// <param name="cache">The decoder's key/value cache (<see cref="HatCaches.Decoder"/>).</param>
    [Forward]
    [return: Shape("B,T,Vocab")]
    public Tensor DecodeStep([Shape("B,T,EncoderDim")] Tensor states, [Shape("B,T,EncoderDim")] Tensor injection, [Shape("T")] Tensor positions, TransformerCache cache)
        => LmHead(Norm(CachedTransformer.Step(decoderStack ??= RegisteredModules.Get<TransformerStack>(this, "decoder"), states + injection, cache, positions)));

    /// <summary>Empty key/value caches for the encoder, backbone and decoder of this model.</summary>
    public HatCaches NewCaches() => new(Config.EncoderLayers, Config.BackboneLayers, Config.DecoderLayers);

    private Tensor CountBackbone(Tensor output)
    {
        BackboneCalls++;
        BackboneWords += output.shape[1];
        LastBackboneLength = output.shape[1];
        return output;
    }
}
