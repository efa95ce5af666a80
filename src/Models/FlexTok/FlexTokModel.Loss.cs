using System;
using Torchwright.Runtime.Flow;
using Torchwright.Runtime.Images;
using Torchwright.Runtime.Losses;
using static TorchSharp.torch;

namespace Torchwright.Models.FlexTok;

public partial class FlexTokModel
{
    /// <summary>
    /// One training loss on a batch of images: encode and quantise (straight-through), keep the first k registers
    /// of each image (k from <see cref="FlexTokObjectiveOptions.KeepSampling"/> over all <c>Tokens</c>, so with
    /// ReTok padding the real tail is kept more often), optionally drop the condition to null, noise the clean
    /// latent patches at a logit-normal time (centred on <see cref="FlexTokObjectiveOptions.TimeMean"/>) and regress
    /// the velocity <c>ε − x₀</c>. With a semantic weight, the decoder's first-layer patch features are aligned to the
    /// frozen teacher's, weighted per image by <see cref="FlexTokObjective.HierarchicalWeights"/>.
    /// </summary>
    /// <param name="images">Images, <c>[B, C, H, W]</c>, that <see cref="Latents"/> maps to the configured latent.</param>
    /// <param name="objective">Options and teacher.</param>
    /// <param name="generator">Random source of k, t, the noise and the null drops; null uses torch's global one.</param>
    public FlexTokLoss Loss(Tensor images, FlexTokObjective objective, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(objective);
        using var scope = NewDisposeScope();
        var latent = Latents.Encode(images);
        var batch = latent.shape[0];
        var clean = Patches.Patchify(latent, Config.Patch);
        var keep = NestedDropout.SampleKeep(batch, Config.Tokens, objective.Options.KeepSampling, generator, latent.device);
        var conditioning = this.conditioning(encode(latent), keep);
        if (objective.Options.NullConditionRate > 0)
        {
            var dropped = rand(new[] { batch }, generator: generator, device: latent.device).lt(objective.Options.NullConditionRate);
            conditioning = where(dropped.view(batch, 1, 1), NullConditioning(batch), conditioning);
        }
        var times = RectifiedFlow.LogitNormalTimes(batch, generator, objective.Options.TimeMean, device: latent.device);
        var noise = randn(clean.shape, generator: generator, device: latent.device);
        var (velocity, features) = DecodeWithFeatures(RectifiedFlow.Interpolate(clean, noise, times), conditioning, times);
        var flow = nn.functional.mse_loss(velocity, RectifiedFlow.Velocity(clean, noise));
        Tensor? semantic = null;
        var total = flow;
        if (objective.Teacher is { } teacher)
        {
            var weights = FlexTokObjective.HierarchicalWeights(keep, Config.Tokens);
            semantic = WeightedCosineAlignment.Loss(SemanticFeatures(features), teacher.Features(clean), weights);
            total = flow + objective.Options.SemanticWeight * semantic;
        }
        var result = new FlexTokLoss(total.MoveToOuterDisposeScope(), flow.MoveToOuterDisposeScope(), semantic?.MoveToOuterDisposeScope());
        return result;
    }
}
