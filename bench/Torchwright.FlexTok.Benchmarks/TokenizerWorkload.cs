using System;
using System.Globalization;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Images;
using static TorchSharp.torch;

namespace Torchwright.FlexTok.Benchmarks;

/// <summary>What one benchmark run measures.</summary>
public enum WorkloadKind
{
    /// <summary>The bare encoder stack over patches and registers (no quantisation, no ids).</summary>
    Encoder,
    /// <summary>Tokenize: encoder, FSQ, the first k ids.</summary>
    Tokenize,
    /// <summary>One velocity evaluation of the flow decoder.</summary>
    DecoderStep,
    /// <summary>Eight velocity evaluations in a row: the decoder work of an 8-step sampler.</summary>
    DecoderSteps,
    /// <summary>Detokenize with 8 Euler steps, no guidance.</summary>
    Detokenize,
    /// <summary>Detokenize with 8 Euler steps and classifier-free guidance (two velocities per step).</summary>
    DetokenizeGuided,
}

/// <summary>
/// One run: the tiny tokenizer of the tests (16×16 RGB, 16 registers, width 64, 2+2 layers) on a batch of 32 synthetic
/// images, untrained (speed does not depend on the weights). Key format: <c>kind/k</c>.
/// </summary>
public sealed class TokenizerWorkload : IDisposable
{
    public const int Batch = 32;
    public const int EulerSteps = 8;
    public static readonly FlexTokConfig Config = new();

    private readonly FlexTokModel model;
    private readonly Tensor images;
    private readonly Tensor ids;
    private readonly Tensor noisy;
    private readonly Tensor conditioning;
    private readonly Tensor times;
    private readonly Generator noise = new(5);

    private TokenizerWorkload(WorkloadKind kind, int tokens)
    {
        Kind = kind;
        Tokens = tokens;
        manual_seed(3);
        model = new FlexTokModel(Config);
        model.eval();
        images = new SyntheticShapes(Config.LatentSize).Sample(Batch, new Random(1));
        ids = model.Tokenize(images, tokens);
        using var noGrad = no_grad();
        using var codes = model.encode(images);
        using var keep = full(new long[] { Batch }, (long)tokens, dtype: ScalarType.Int64);
        conditioning = model.conditioning(codes, keep);
        noisy = randn(Batch, Config.Patches, Config.PatchDim);
        times = full(new long[] { Batch }, 0.5f);
    }

    public WorkloadKind Kind { get; }

    public int Tokens { get; }

    public static string Format(WorkloadKind kind, int tokens) => $"{kind}/{tokens.ToString(CultureInfo.InvariantCulture)}";

    public static TokenizerWorkload Create(string key)
    {
        var parts = key.Split('/');
        return new TokenizerWorkload(Enum.Parse<WorkloadKind>(parts[0]), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public void Run()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        switch (Kind)
        {
            case WorkloadKind.Encoder:
                model.encoder_states(images);
                break;
            case WorkloadKind.Tokenize:
                model.Tokenize(images, Tokens);
                break;
            case WorkloadKind.DecoderStep:
                model.velocity(noisy, conditioning, times);
                break;
            case WorkloadKind.DecoderSteps:
                for (var i = 0; i < EulerSteps; i++) model.velocity(noisy, conditioning, times);
                break;
            case WorkloadKind.Detokenize:
                model.Detokenize(ids, EulerSteps, noise);
                break;
            case WorkloadKind.DetokenizeGuided:
                model.Detokenize(ids, EulerSteps, noise, guidance: 3);
                break;
            default:
                throw new InvalidOperationException($"Unknown workload {Kind}.");
        }
    }

    public void Dispose()
    {
        model.Dispose();
        images.Dispose();
        ids.Dispose();
        noisy.Dispose();
        conditioning.Dispose();
        times.Dispose();
        noise.Dispose();
    }
}
