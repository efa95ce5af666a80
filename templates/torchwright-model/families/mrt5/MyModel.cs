using Torchwright;
using Torchwright.Models.MrT5;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>Sizes of <see cref="MyModel"/>; the names are what the layer attributes below refer to.</summary>
public sealed record MyModelConfig(int Vocab = 256, int Context = 64, int Dim = 64, int Heads = 4, int Layers = 2);

/// <summary>
/// A byte encoder with MrT5's delete gate (from Torchwright.Models): a bidirectional transformer reads the bytes,
/// and the gate scores every byte for deletion. MrT5 proper puts this gate inside a T5 encoder-decoder and turns
/// the scores into soft or hard deletion while the decoder learns the task (see <c>Torchwright.Models.MrT5.MrT5Model</c>).
/// </summary>
[Model(typeof(MyModelConfig))]
public partial class MyModel
{
    [Embedding("Vocab", "Dim")]
    private partial Tensor Embed(Tensor bytes);

    [LearnedPositions("Context", "Dim")]
    private partial Tensor Positions(Tensor x);

    [TransformerStack("Layers", "Dim", "Heads")]
    private partial Tensor Encoder(Tensor x);

    [Use(typeof(DeleteGate), "Dim")]
    private partial Tensor Gate(Tensor hidden);

    /// <summary>Deletion logits: positive where a byte should go.</summary>
    /// <param name="bytes">Byte values, <c>[B, T]</c>, T at most <c>Context</c>.</param>
    [Forward]
    [return: Shape("B,T,1")]
    public Tensor Forward([Shape("B,T", Elements = ElementKind.Integer)] Tensor bytes)
        // The gate keeps a byte with weight σ(logit), so the deletion logit is its negation.
        => Gate(Encoder(Positions(Embed(bytes)))).neg();
}
