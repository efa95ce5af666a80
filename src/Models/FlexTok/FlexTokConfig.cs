using System;
using System.Collections.Generic;

namespace Torchwright.Models.FlexTok;

/// <summary>
/// Sizes of <see cref="FlexTokModel"/>. The defaults are the tiny configuration of the project's reference notes
/// (§5.6): 16×16 RGB latents (pixels stand in for the VAE latent), patch 4 (16 patches), 16 registers, FSQ
/// [8,5,5,5] (1,000 codes), width 64, 4 heads, 2 encoder and 2 decoder layers.
/// </summary>
/// <param name="LatentSize">Side of the square latent the tokenizer sees (the image side for <c>PixelLatents</c>). Default 16.</param>
/// <param name="Channels">Latent channels. Default 3.</param>
/// <param name="Patch">Patch side. Default 4.</param>
/// <param name="Registers">N: register tokens, i.e. the longest token sequence. Default 16.</param>
/// <param name="RedundantRegisters">ReTok's redundant padding: clones of the last R registers appended with their own positions (0 = plain FlexTok). Default 0.</param>
/// <param name="Dim">Width of encoder and decoder. Default 64.</param>
/// <param name="Heads">Attention heads. Default 4.</param>
/// <param name="EncoderLayers">Encoder depth. Default 2.</param>
/// <param name="DecoderLayers">Decoder depth, at least 2 (the semantic features are read after the first layer). Default 2.</param>
/// <param name="TeacherDim">Width of the frozen teacher's features for semantic regularisation. Default 32.</param>
public sealed record FlexTokConfig(
    int LatentSize = 16, int Channels = 3, int Patch = 4, int Registers = 16, int RedundantRegisters = 0,
    int Dim = 64, int Heads = 4, int EncoderLayers = 2, int DecoderLayers = 2, int TeacherDim = 32)
{
    private readonly IReadOnlyList<int> levels = new[] { 8, 5, 5, 5 };

    /// <summary>FSQ levels per code channel. Default [8, 5, 5, 5].</summary>
    public IReadOnlyList<int> Levels
    {
        get => levels;
        init => levels = value is { Count: > 0 } ? value : throw new ArgumentException("FSQ needs at least one level.", nameof(Levels));
    }

    /// <summary>Patch side; must divide <see cref="LatentSize"/>.</summary>
    public int Patch { get; init; } = Patch >= 1 && LatentSize % Patch == 0
        ? Patch
        : throw new ArgumentOutOfRangeException(nameof(Patch), Patch, $"The patch side must divide the latent side {LatentSize}.");

    /// <summary>Redundant registers; between 0 and <see cref="Registers"/>.</summary>
    public int RedundantRegisters { get; init; } = RedundantRegisters >= 0 && RedundantRegisters <= Registers
        ? RedundantRegisters
        : throw new ArgumentOutOfRangeException(nameof(RedundantRegisters), RedundantRegisters, $"Redundant registers clone the tail of the {Registers} registers: 0..{Registers}.");

    /// <summary>Decoder depth; at least 2.</summary>
    public int DecoderLayers { get; init; } = DecoderLayers >= 2
        ? DecoderLayers
        : throw new ArgumentOutOfRangeException(nameof(DecoderLayers), DecoderLayers, "The decoder needs at least 2 layers: semantic features are read after the first.");

    /// <summary>Patches per latent, <c>(LatentSize/Patch)²</c>.</summary>
    public int Patches => LatentSize / Patch * (LatentSize / Patch);

    /// <summary>Values per patch, <c>Channels·Patch²</c>.</summary>
    public int PatchDim => Channels * Patch * Patch;

    /// <summary>Channels per FSQ code.</summary>
    public int CodeDim => Levels.Count;

    /// <summary>Register tokens the encoder emits and the decoder has positions for: N plus the redundant clones.</summary>
    public int Tokens => Registers + RedundantRegisters;

    /// <summary>Decoder layers after the one whose output the semantic regulariser reads.</summary>
    public int UpperDecoderLayers => DecoderLayers - 1;
}
