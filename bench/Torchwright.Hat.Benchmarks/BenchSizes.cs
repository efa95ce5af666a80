using System;
using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Models.Hat;
using static TorchSharp.torch;

namespace Torchwright.Hat.Benchmarks;

/// <summary>The models compared: a small HAT and the byte-level GPT whose width gives the closest parameter count.</summary>
public static class BenchSizes
{
    public const int Context = 1024;
    public const int Batch = 2;
    public const int PromptBytes = 512;
    public const int GeneratedBytes = 128;

    public static readonly HatConfig Hat = new(
        EncoderDim: 128, EncoderHeads: 4, EncoderLayers: 1,
        BackboneDim: 256, BackboneHeads: 4, BackboneLayers: 4,
        DecoderLayers: 1, MaxWordBytes: 32);

    private static readonly Lazy<(ByteGptConfig Config, long HatParameters, long GptParameters)> Matched = new(Match);

    /// <summary>A 4-layer GPT at 1024 positions whose width (a multiple of 8) brings its parameter count closest to the HAT's.</summary>
    public static ByteGptConfig Gpt => Matched.Value.Config;

    public static long HatParameters => Matched.Value.HatParameters;

    public static long GptParameters => Matched.Value.GptParameters;

    private static (ByteGptConfig, long, long) Match()
    {
        long hat;
        using (var model = new HatModel(Hat))
        {
            hat = model.ParameterCount;
        }
        var best = Enumerable.Range(24, 16).Select(i => new ByteGptConfig(Context: Context, Dim: 8 * i, Heads: 4, Layers: 4))
            .Select(config =>
            {
                using var model = new ByteGpt(config);
                return (Config: config, Parameters: model.ParameterCount);
            })
            .MinBy(candidate => Math.Abs(candidate.Parameters - hat));
        return (best.Config, hat, best.Parameters);
    }
}
