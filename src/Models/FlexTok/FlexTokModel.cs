using System;
using Torchwright;
using Torchwright.Runtime.Flow;
using Torchwright.Runtime.Images;
using Torchwright.Runtime.Quantization;
using static TorchSharp.torch;

namespace Torchwright.Models.FlexTok;

/// <summary>
/// FlexTok (Bachmann et al., 2025): an image is tokenized into an ordered sequence of 1..N discrete tokens, and a
/// rectified-flow decoder turns any prefix of it back into an image, coarse content first.
/// <list type="bullet">
/// <item>Encoder: the latent is patchified and embedded with positions; N learned registers follow the patches; the
/// stack is prefix-causal (patches see patches only, register i sees every patch and registers ≤ i); the register
/// outputs are projected to the code width and quantised by FSQ.</item>
/// <item>Decoder: the codes are projected back to the width, registers past the kept count are replaced by a
/// learned mask token (nested dropout), positions added; joint full attention over
/// <c>[noised patches | registers]</c> with adaLN-zero on the flow time; a head reads the patch tokens as the velocity.</item>
/// <item>ReTok add-on (<see cref="FlexTokConfig.RedundantRegisters"/>): the last R registers are cloned after the N
/// registers with their own positions; the extra tokens exist only in training, the decoder keeps the first k ≤ N.</item>
/// </list>
/// </summary>
[Model(typeof(FlexTokConfig))]
public partial class FlexTokModel
{
    [Linear("PatchDim", "Dim")]
    private partial Tensor PatchEmbed(Tensor patches);

    [LearnedPositions("Patches", "Dim", Std = 1)]
    private partial Tensor PatchPositions(Tensor x);

    [Learned("Registers,Dim")]
    private partial Tensor RegisterTable();

    [LearnedPositions("Tokens", "Dim", Std = 1)]
    private partial Tensor RegisterPositions(Tensor x);

    [TransformerStack("EncoderLayers", "Dim", "Heads", Prefix = "Patches", Init = WeightInit.FanIn)]
    private partial Tensor Encoder(Tensor x);

    [LayerNorm("Dim")]
    private partial Tensor EncoderNorm(Tensor x);

    [Linear("Dim", "CodeDim")]
    private partial Tensor ToCode(Tensor x);

    [Linear("CodeDim", "Dim", Init = WeightInit.FanIn)]
    private partial Tensor FromCode(Tensor codes);

    [Learned("Dim")]
    private partial Tensor MaskToken();

    [Learned("Dim")]
    private partial Tensor NullToken();

    [LearnedPositions("Tokens", "Dim", Std = 1)]
    private partial Tensor TokenPositions(Tensor x);

    [Linear("PatchDim", "Dim")]
    private partial Tensor NoisyPatchEmbed(Tensor patches);

    [LearnedPositions("Patches", "Dim", Std = 1)]
    private partial Tensor NoisyPatchPositions(Tensor x);

    [Mlp("Dim", "Dim", Activation = Activation.Silu)]
    private partial Tensor TimeMlp(Tensor x);

    [TransformerStack("1", "Dim", "Heads", ConditionDim = "Dim", Init = WeightInit.FanIn)]
    private partial Tensor DecoderFirst(Tensor x, Tensor condition);

    [TransformerStack("UpperDecoderLayers", "Dim", "Heads", ConditionDim = "Dim", Init = WeightInit.FanIn)]
    private partial Tensor DecoderRest(Tensor x, Tensor condition);

    [LayerNorm("Dim", Affine = false)]
    private partial Tensor DecoderNorm(Tensor x);

    [Linear("Dim", "PatchDim")]
    private partial Tensor VelocityHead(Tensor x);

    [Mlp("Dim", "Dim*4", Activation = Activation.Silu)]
    private partial Tensor SemanticMlp(Tensor x);

    [Linear("Dim", "TeacherDim")]
    private partial Tensor SemanticHead(Tensor x);

    private FiniteScalarQuantizer? quantizer;
    private ILatentSource? latents;

    /// <summary>The FSQ quantiser of the configured levels.</summary>
    public FiniteScalarQuantizer Quantizer => quantizer ??= new FiniteScalarQuantizer(Config.Levels);

    /// <summary>
    /// Where latents come from. FlexTok uses a frozen VAE; the default is <see cref="PixelLatents"/>, the pixels
    /// themselves, which is the project's documented deviation for tiny images. Its channels must match the config.
    /// </summary>
    public ILatentSource Latents
    {
        get => latents ??= new PixelLatents(Config.Channels);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Channels != Config.Channels)
                throw new ArgumentException($"The latent source has {value.Channels} channels but the tokenizer expects {Config.Channels}.", nameof(value));
            latents = value;
        }
    }

    /// <summary>
    /// The encoder's output states for <c>[patches | registers]</c>, before the code projection. Patch states depend on
    /// the patches only; register i depends on the patches and registers ≤ i.
    /// </summary>
    /// <param name="latents">Latents, <c>[B, Channels, LatentSize, LatentSize]</c>.</param>
    [Forward]
    [return: Shape("B,Patches+Tokens,Dim")]
    public Tensor EncoderStates([Shape("B,Channels,LatentSize,LatentSize")] Tensor latents)
    {
        var batch = latents.shape[0];
        var patches = PatchPositions(PatchEmbed(Patches.Patchify(latents, Config.Patch)));
        var registers = RegisterPositions(RegisterSequence().unsqueeze(0).expand(batch, -1, -1));
        return EncoderNorm(Encoder(cat(new[] { patches, registers }, 1)));
    }

    /// <summary>The quantised codes of every register (redundant clones included), in [−1, 1] on the FSQ grid.</summary>
    /// <param name="latents">Latents, <c>[B, Channels, LatentSize, LatentSize]</c>.</param>
    [Forward]
    [return: Shape("B,Tokens,CodeDim")]
    public Tensor Encode([Shape("B,Channels,LatentSize,LatentSize")] Tensor latents)
    {
        var registers = EncoderStates(latents).narrow(1, Config.Patches, Config.Tokens);
        return Quantizer.Quantize(ToCode(registers));
    }

    /// <summary>
    /// The decoder's register tokens from codes: projected, positions past <paramref name="keep"/> replaced by the
    /// mask token (nested dropout), then positions added.
    /// </summary>
    /// <param name="codes">FSQ codes, <c>[B, Tokens, CodeDim]</c> (values past the kept count are ignored).</param>
    /// <param name="keep">Tokens kept per image, <c>[B]</c>, each in 1..Tokens.</param>
    [Forward]
    [return: Shape("B,Tokens,Dim")]
    public Tensor Conditioning([Shape("B,Tokens,CodeDim")] Tensor codes, [Shape("B")] Tensor keep)
    {
        var projected = FromCode(codes);
        return TokenPositions(NestedDropout.Apply(projected, keep, MaskToken()));
    }

    /// <summary>The null condition for classifier-free guidance: every register replaced by the learned null token.</summary>
    /// <param name="batch">Number of images.</param>
    public Tensor NullConditioning(long batch)
    {
        using var scope = NewDisposeScope();
        var tokens = NullToken().view(1, 1, Config.Dim).expand(batch, Config.Tokens, Config.Dim);
        return TokenPositions(tokens).MoveToOuterDisposeScope();
    }

    /// <summary>The predicted velocity <c>ε − x₀</c> of each noised patch.</summary>
    /// <param name="noisy">Noised latent patches x_t, <c>[B, Patches, PatchDim]</c>.</param>
    /// <param name="conditioning">Decoder register tokens from <see cref="Conditioning"/> or <see cref="NullConditioning"/>.</param>
    /// <param name="times">Flow times t, <c>[B]</c>.</param>
    [Forward]
    [return: Shape("B,Patches,PatchDim")]
    public Tensor Velocity([Shape("B,Patches,PatchDim")] Tensor noisy, [Shape("B,Tokens,Dim")] Tensor conditioning, [Shape("B")] Tensor times)
        => DecodeWithFeatures(noisy, conditioning, times).Velocity;

    /// <summary>The velocity and the decoder's patch features after its first layer (read by the semantic regulariser).</summary>
    private (Tensor Velocity, Tensor Features) DecodeWithFeatures(Tensor noisy, Tensor conditioning, Tensor times)
    {
        var time = TimeMlp(TimestepEmbedding.Sinusoidal(times, Config.Dim));
        var patches = NoisyPatchPositions(NoisyPatchEmbed(noisy));
        var first = DecoderFirst(cat(new[] { patches, conditioning }, 1), time);
        var last = DecoderNorm(DecoderRest(first, time));
        var velocity = VelocityHead(last.narrow(1, 0, Config.Patches));
        return (velocity, first.narrow(1, 0, Config.Patches));
    }

    /// <summary>The projected semantic features of the decoder's patch tokens, <c>[B, Patches, TeacherDim]</c>.</summary>
    private Tensor SemanticFeatures(Tensor features) => SemanticHead(SemanticMlp(features));

    // Registers 0..N−1, then clones of registers N−R..N−1 (ReTok's redundant tail), [Tokens, Dim].
    private Tensor RegisterSequence()
    {
        var table = RegisterTable();
        if (Config.RedundantRegisters == 0)
        {
            return table;
        }
        var clones = table.narrow(0, Config.Registers - Config.RedundantRegisters, Config.RedundantRegisters);
        return cat(new[] { table, clones }, 0);
    }
}
