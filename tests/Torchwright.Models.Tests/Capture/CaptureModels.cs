using Torchwright.Models.Gpt;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>A small ByteGpt whose every weight comes from a private generator, and byte batches drawn the same way.</summary>
internal static class CaptureModels
{
    public static readonly ByteGptConfig Config = new(Context: 32, Dim: 64, Heads: 4, Layers: 2);

    /// <summary>Trained-looking weights (attention far from uniform), independent of torch's global seed.</summary>
    public static ByteGpt Create(ulong seed)
    {
        var model = new ByteGpt(Config);
        model.eval();
        var generator = new Generator(seed);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                using var noise = randn(parameter.shape, generator: generator);
                noise.mul_(0.2);
                if (name.Contains("norm") && name.EndsWith("weight"))
                {
                    noise.add_(1);
                }
                parameter.copy_(noise);
            }
        }
        return model;
    }

    public static Tensor Bytes(ulong seed, long batch, long length, ScalarType type = ScalarType.Int64)
    {
        var generator = new Generator(seed);
        return randint(0, 256, new[] { batch, length }, dtype: type, generator: generator);
    }
}
