using System;

namespace Torchwright.Models.MrT5;

/// <summary>Sizes and gate settings of <see cref="MrT5Model"/>. The defaults are the tiny diagnostic configuration.</summary>
/// <param name="Vocab">Vocabulary: 256 bytes shifted by 3 specials (pad 0, eos 1, unk 2) plus ByT5's extra ids, 384 in all.</param>
/// <param name="Dim">Model width (T5's d_model).</param>
/// <param name="Heads">Attention heads; the head width is <c>Dim/Heads</c>.</param>
/// <param name="FeedForward">Hidden width of the gated-GELU feed-forward layers (d_ff).</param>
/// <param name="EncoderLayers">Encoder layers in all, before and after the gate.</param>
/// <param name="DecoderLayers">Decoder layers.</param>
/// <param name="GateLayer">The delete gate sits at the start of this encoder layer (after <c>GateLayer</c> layers);
/// between 1 and <c>EncoderLayers − 1</c>.</param>
/// <param name="Buckets">Relative position buckets.</param>
/// <param name="MaxDistance">Distance from which all relative positions share a bucket.</param>
/// <param name="GateScale">k of <c>G = k·σ(−(w·RMSNorm(h) + b))</c>; G near k deletes a token.</param>
/// <param name="DeletionThreshold">Hard deletion keeps tokens with <c>G &gt; DeletionThreshold</c>.</param>
/// <param name="GateEnabled">False builds the same network with the gate switched off (G = 0 everywhere): the no-deletion baseline.</param>
public sealed record MrT5Config(
    int Vocab = 384,
    int Dim = 64,
    int Heads = 4,
    int FeedForward = 128,
    int EncoderLayers = 3,
    int DecoderLayers = 2,
    int GateLayer = 1,
    int Buckets = 32,
    int MaxDistance = 128,
    double GateScale = -30,
    double DeletionThreshold = -15,
    bool GateEnabled = true)
{
    /// <summary>The gate layer, checked: both encoder parts need at least one layer.</summary>
    public int GateLayer { get; init; } = GateLayer >= 1 && GateLayer < EncoderLayers
        ? GateLayer
        : throw new ArgumentOutOfRangeException(nameof(GateLayer), GateLayer,
            $"The delete gate must sit between encoder layers: GateLayer must be in [1, EncoderLayers − 1] = [1, {EncoderLayers - 1}].");

    /// <summary>The gate scale, checked: it must be negative so that G near it means "deleted".</summary>
    public double GateScale { get; init; } = GateScale < 0 && double.IsFinite(GateScale)
        ? GateScale
        : throw new ArgumentOutOfRangeException(nameof(GateScale), GateScale, "The gate scale k must be a finite negative number (−30 in MrT5).");

    /// <summary>The deletion threshold, checked: it must lie strictly between the gate scale and 0.</summary>
    public double DeletionThreshold { get; init; } = DeletionThreshold > GateScale && DeletionThreshold < 0
        ? DeletionThreshold
        : throw new ArgumentOutOfRangeException(nameof(DeletionThreshold), DeletionThreshold,
            $"The deletion threshold must lie between the gate scale ({GateScale}) and 0 (−15 in MrT5).");
}
