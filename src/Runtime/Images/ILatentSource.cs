using static TorchSharp.torch;

namespace Torchwright.Runtime.Images;

/// <summary>
/// Maps images to the latent space a tokenizer works in and back (a frozen VAE in FlexTok). Implementations
/// hold no trainable parameters the tokenizer would update.
/// </summary>
public interface ILatentSource
{
    /// <summary>Latent channels.</summary>
    long Channels { get; }

    /// <summary>How many image pixels one latent pixel covers along each side.</summary>
    long Downsampling { get; }

    /// <summary>Images <c>[B, 3, H, W]</c> in [−1, 1] to latents <c>[B, Channels, H/f, W/f]</c>.</summary>
    /// <param name="images">Images.</param>
    Tensor Encode(Tensor images);

    /// <summary>Latents back to images.</summary>
    /// <param name="latents">Latents.</param>
    Tensor Decode(Tensor latents);
}

/// <summary>The identity latent: the pixels themselves, for tiny images where a VAE would not pay off.</summary>
public sealed class PixelLatents : ILatentSource
{
    /// <summary>Creates the source.</summary>
    /// <param name="channels">Image channels. Default 3.</param>
    public PixelLatents(long channels = 3) => Channels = channels;

    /// <inheritdoc/>
    public long Channels { get; }

    /// <inheritdoc/>
    public long Downsampling => 1;

    /// <inheritdoc/>
    public Tensor Encode(Tensor images) => images.alias();

    /// <inheritdoc/>
    public Tensor Decode(Tensor latents) => latents.alias();
}
