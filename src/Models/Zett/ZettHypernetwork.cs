using Torchwright;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>
/// Sizes of <see cref="ZettHypernetwork"/>. The defaults (H = 128, I = 256, one trunk layer) cost a transfer step about
/// what H = 64 with two layers did and reach the identity targets at the test budget with room to spare (cosine 0.944,
/// bits/byte 1.040x, against 0.906 and 1.049x), and transfer better (held-out tokenizer 1.76x against 1.88x); two
/// layers at H = 128 changed little (0.946, 1.040x, 1.71x) for a sixth more time.
/// </summary>
/// <param name="SourceDim">Width of a source embedding row: 2d for an untied base model (<c>[E_in | E_out]</c>).</param>
/// <param name="TargetDim">d, the width of each predicted embedding.</param>
/// <param name="Hidden">H, the trunk's width.</param>
/// <param name="Intermediate">I, the feed-forward width of the trunk and of the projectors.</param>
/// <param name="Heads">Trunk attention heads.</param>
/// <param name="Layers">Trunk layers.</param>
/// <param name="MaxPieces">L, the most original pieces per token.</param>
/// <param name="Fallbacks">Learned embeddings for piece ids at or above the original vocabulary size.</param>
public sealed record ZettHypernetworkConfig(int SourceDim = 128, int TargetDim = 64, int Hidden = 128, int Intermediate = 256,
    int Heads = 2, int Layers = 1, int MaxPieces = 7, int Fallbacks = 1);

/// <summary>
/// ZeTT's hypernetwork: for each token of a new vocabulary, its pieces under the original tokenizer are
/// embedded with the original model's own <c>[E_in | E_out]</c> rows (through a frozen input scaler), projected
/// to H, run through a small bidirectional transformer with learned positions and a key-padding mask, pooled at
/// position 0, and mapped by two separate projector heads and a frozen output scaler to an input and an output
/// embedding for the base model. The scalers are the identity until <see cref="HypernetworkScalers.Fit"/>.
/// </summary>
/// <remarks>
/// Every layer draws its weights N(0, 1/fan-in) (<see cref="WeightInit.FanIn"/>): at width 64, GPT-2's 0.02 makes the
/// input map and the heads pass a quarter and a sixth of their input. Measured at H = 64 on the default run (600 transfer steps):
/// identity cosine 0.896 → 0.906 and bits/byte 1.061x → 1.049x, held-out tokenizer 2.47x → 1.88x, dynamic tokenization
/// 1.58x → 1.52x.
/// </remarks>
[Model(typeof(ZettHypernetworkConfig))]
public partial class ZettHypernetwork
{
    [Learned("Fallbacks,SourceDim", Name = "fallback_embeddings")]
    private partial Tensor FallbackEmbeddings();

    [Learned("SourceDim", Std = 0, Name = "in_scaler_log_scale")]
    private partial Tensor InLogScale();

    [Learned("SourceDim", Std = 0, Name = "in_scaler_shift")]
    private partial Tensor InShift();

    [Learned("TargetDim*2", Std = 0, Name = "out_scaler_log_scale")]
    private partial Tensor OutLogScale();

    [Learned("TargetDim*2", Std = 0, Name = "out_scaler_shift")]
    private partial Tensor OutShift();

    [Linear("SourceDim", "Hidden", Name = "input_linear", Init = WeightInit.FanIn)]
    private partial Tensor InputLinear(Tensor x);

    [Use(typeof(ProjectorBlock), "Hidden", "Intermediate", Name = "input_projector")]
    private partial Tensor InputProjector(Tensor x);

    [LearnedPositions("MaxPieces", "Hidden", Name = "positions")]
    private partial Tensor Positions([Shape("N,P,Hidden")] Tensor x);

    [TransformerStack("Layers", "Hidden", "Heads", MlpHidden = "Intermediate", Name = "trunk", Init = WeightInit.FanIn)]
    private partial Tensor Trunk([Shape("N,P,Hidden")] Tensor x, Tensor padding);

    [LayerNorm("Hidden", Name = "trunk_norm")]
    private partial Tensor TrunkNorm(Tensor x);

    [Use(typeof(ProjectorBlock), "Hidden", "Intermediate", Name = "input_head_projector")]
    private partial Tensor InputHeadProjector(Tensor x);

    [Linear("Hidden", "TargetDim", Name = "input_head", Init = WeightInit.FanIn)]
    private partial Tensor InputHead(Tensor x);

    [Use(typeof(ProjectorBlock), "Hidden", "Intermediate", Name = "output_head_projector")]
    private partial Tensor OutputHeadProjector(Tensor x);

    [Linear("Hidden", "TargetDim", Name = "output_head", Init = WeightInit.FanIn)]
    private partial Tensor OutputHead(Tensor x);

    /// <summary>Predicted input and output embeddings, side by side: <c>[Ê_in | Ê_out]</c>.</summary>
    /// <param name="pieces">Original ids of each token's pieces, <c>[N, P]</c> with P at most MaxPieces; ids at or above V take fallback embeddings.</param>
    /// <param name="real">True where a piece is real, <c>[N, P]</c>; the first piece of every token must be real.</param>
    /// <param name="source">The original <c>[E_in | E_out]</c>, <c>[V, SourceDim]</c>.</param>
    [Forward]
    [return: Shape("N,TargetDim*2")]
    public Tensor Forward([Shape("N,P", Elements = ElementKind.Integer)] Tensor pieces,
        [Shape("N,P", Elements = ElementKind.Boolean)] Tensor real, [Shape("V,SourceDim")] Tensor source)
    {
        var table = cat(new[] { source * InLogScale().exp() + InShift(), FallbackEmbeddings() }, 0);
        var clamped = pieces.clamp(0, table.shape[0] - 1);
        var embedded = table.index_select(0, clamped.flatten());
        var hidden = InputProjector(InputLinear(embedded)).view(pieces.shape[0], pieces.shape[1], -1);
        var pooled = TrunkNorm(Trunk(Positions(hidden), real)).select(1, 0);
        var predicted = cat(new[] { InputHead(InputHeadProjector(pooled)), OutputHead(OutputHeadProjector(pooled)) }, 1);
        return predicted * OutLogScale().exp() + OutShift();
    }
}
