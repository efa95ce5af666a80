using System;
using Torchwright.Runtime.Flow;
using Torchwright.Runtime.Images;
using static TorchSharp.torch;

namespace Torchwright.Models.FlexTok;

public partial class FlexTokModel
{
    /// <summary>The first <paramref name="count"/> token ids of each image (FSQ indices in <c>[0, ΠLevels)</c>).</summary>
    /// <param name="images">Images, <c>[B, C, H, W]</c>.</param>
    /// <param name="count">k, from 1 to <c>Registers</c>; null gives all N.</param>
    /// <returns><c>[B, k]</c>, int64.</returns>
    public Tensor Tokenize(Tensor images, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var k = count ?? Config.Registers;
        CheckCount(k, nameof(count));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var codes = encode(Latents.Encode(images)).narrow(1, 0, k);
        return Quantizer.CodesToIndices(codes).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Images from token ids: the ids become FSQ codes, the registers past k are masked, and the Euler sampler
    /// integrates the decoder's velocity from noise at t = 1 to t = 0.
    /// </summary>
    /// <param name="ids">Token ids, <c>[B, k]</c>, k from 1 to <c>Registers</c>.</param>
    /// <param name="steps">Euler steps. Default 8.</param>
    /// <param name="generator">Random source of the starting noise; null uses torch's global one.</param>
    /// <param name="guidance">Classifier-free guidance scale; 1 (the default) runs the conditional velocity only.</param>
    /// <returns>Images, as <see cref="Latents"/> decodes them.</returns>
    public Tensor Detokenize(Tensor ids, int steps = 8, Generator? generator = null, double guidance = 1)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.dim() != 2)
            throw new ArgumentException($"Expected token ids [B, k], but 'ids' has shape [{string.Join(",", ids.shape)}].", nameof(ids));
        var k = (int)ids.shape[1];
        CheckCount(k, nameof(ids));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = ids.shape[0];
        var codes = zeros(new long[] { batch, Config.Tokens, Config.CodeDim }, device: ids.device);
        codes.narrow(1, 0, k).copy_(Quantizer.IndicesToCodes(ids));
        var keep = full(new[] { batch }, (long)k, dtype: ScalarType.Int64, device: ids.device);
        var condition = conditioning(codes, keep);
        var unconditioned = guidance == 1 ? null : NullConditioning(batch);
        var noise = randn(new long[] { batch, Config.Patches, Config.PatchDim }, generator: generator, device: ids.device);
        var patches = EulerSampler.Sample((x, t) => unconditioned is null
            ? velocity(x, condition, t)
            : EulerSampler.Guided(velocity(x, condition, t), velocity(x, unconditioned, t), guidance), noise, steps);
        var latent = Patches.Unpatchify(patches, Config.Channels, Config.LatentSize, Config.LatentSize, Config.Patch);
        return Latents.Decode(latent).MoveToOuterDisposeScope();
    }

    /// <summary>Tokenizes with k tokens and detokenizes again.</summary>
    /// <param name="images">Images, <c>[B, C, H, W]</c>.</param>
    /// <param name="count">k.</param>
    /// <param name="steps">Euler steps.</param>
    /// <param name="generator">Random source of the starting noise.</param>
    public Tensor Reconstruct(Tensor images, int count, int steps = 8, Generator? generator = null)
    {
        using var ids = Tokenize(images, count);
        return Detokenize(ids, steps, generator);
    }

    private void CheckCount(int count, string name)
    {
        if (count < 1 || count > Config.Registers)
            throw new ArgumentOutOfRangeException(name, count, $"A token sequence holds 1 to {Config.Registers} tokens (Registers), not {count}.");
    }
}
