using System;

namespace Torchwright.Models.Ftp;

/// <summary>
/// Sizes of <see cref="FtpModel"/> and of its two baselines (<see cref="GptBaseline"/>,
/// <see cref="MultiHeadGptBaseline"/>), which read only the encoder members and <see cref="Future"/>/<see cref="Gamma"/>,
/// so one configuration guarantees the comparisons use the same encoder. No official code exists for FTP: every
/// default below is the tiny configuration of the project's reference notes (§3.6), not a verified paper value.
/// </summary>
/// <param name="Vocab">Token vocabulary. Default 256.</param>
/// <param name="Context">Longest sequence the encoder's positions cover. Default 64.</param>
/// <param name="Dim">Encoder width D. Default 64.</param>
/// <param name="Heads">Encoder attention heads. Default 4.</param>
/// <param name="Layers">Encoder layers. Default 4.</param>
/// <param name="DecoderDim">Decoder width D_d (also the width of each pseudo vector). Default 64.</param>
/// <param name="DecoderHeads">Decoder attention heads. Default 4.</param>
/// <param name="DecoderLayers">Decoder layers. Default 1.</param>
/// <param name="DecoderMlpRatio">Decoder feed-forward width as a multiple of <paramref name="DecoderDim"/>. Default 4.</param>
/// <param name="Pseudo">P: pseudo vectors each encoder state expands into. Default 4.</param>
/// <param name="Future">N: tokens predicted from each position (decoder slots). Default 4.</param>
/// <param name="Gamma">γ: the loss weighs the k-th token ahead by γ^(k−1). Default 0.8; must be in (0, 1].</param>
public sealed record FtpConfig(
    int Vocab = 256, int Context = 64, int Dim = 64, int Heads = 4, int Layers = 4,
    int DecoderDim = 64, int DecoderHeads = 4, int DecoderLayers = 1, int DecoderMlpRatio = 4,
    int Pseudo = 4, int Future = 4, double Gamma = 0.8)
{
    /// <summary>γ: the loss weighs the k-th token ahead by γ^(k−1); in (0, 1].</summary>
    public double Gamma { get; init; } = Gamma > 0 && Gamma <= 1
        ? Gamma
        : throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "The loss decay Gamma must be in (0, 1].");

    /// <summary>N: tokens predicted from each position; at least 1.</summary>
    public int Future { get; init; } = Future >= 1
        ? Future
        : throw new ArgumentOutOfRangeException(nameof(Future), Future, "Future (tokens predicted per position) must be at least 1.");

    /// <summary>The loss weights γ^(k−1), k = 1..<see cref="Future"/>.</summary>
    public double[] LossWeights() => Runtime.Losses.MultiTokenCrossEntropy.DecayWeights(Future, Gamma);
}
