using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Sizes of <see cref="ZettLanguageModel"/>.</summary>
/// <param name="Vocab">Tokens of the original tokenizer, begin-of-text included.</param>
/// <param name="Context">Longest sequence the positions cover.</param>
/// <param name="Dim">Model width d.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Layers">Transformer layers.</param>
public sealed record ZettLanguageModelConfig(int Vocab = 513, int Context = 64, int Dim = 64, int Heads = 2, int Layers = 2);

/// <summary>
/// The base language model that ZeTT transfers: a causal pre-norm transformer with <b>untied</b> input
/// embedding and output layer, so that both can be replaced by matrices a hypernetwork predicts for another
/// tokenizer. <see cref="Forward"/> runs with its own tokenizer; <see cref="Trunk"/> takes embeddings, and the
/// caller multiplies its result with whatever output matrix belongs to the vocabulary in use.
/// </summary>
[Model(typeof(ZettLanguageModelConfig))]
public partial class ZettLanguageModel
{
    [Embedding("Vocab", "Dim")]
    private partial Tensor Embed(Tensor ids);

    [LearnedPositions("Context", "Dim")]
    private partial Tensor Positions([Shape("B,T,Dim")] Tensor x);

    [TransformerStack("Layers", "Dim", "Heads", Causal = true)]
    private partial Tensor Blocks([Shape("B,T,Dim")] Tensor x);

    [LayerNorm("Dim")]
    private partial Tensor Norm([Shape("B,T,Dim")] Tensor x);

    [Linear("Dim", "Vocab", Bias = false)]
    private partial Tensor Head([Shape("B,T,Dim")] Tensor x);

    /// <summary>Next-token logits over the original vocabulary.</summary>
    /// <param name="ids">Original token ids, <c>[B, T]</c>, T at most <c>Context</c>.</param>
    [Forward]
    [return: Shape("B,T,Vocab")]
    public Tensor Forward([Shape("B,T", Elements = ElementKind.Integer)] Tensor ids) => Head(Trunk(Embed(ids)));

    /// <summary>The final hidden states from input embeddings of any vocabulary.</summary>
    /// <param name="embeddings">One input embedding per position, <c>[B, T, Dim]</c>.</param>
    [Forward]
    [return: Shape("B,T,Dim")]
    public Tensor Trunk([Shape("B,T,Dim")] Tensor embeddings) => Norm(Blocks(Positions(embeddings)));

    /// <summary>E_in, the input embedding matrix <c>[Vocab, Dim]</c>.</summary>
    public Tensor InputEmbeddings => embed.weight;

    /// <summary>E_out, the output layer's matrix <c>[Vocab, Dim]</c> (not tied to E_in).</summary>
    public Tensor OutputEmbeddings => head.weight;
}
