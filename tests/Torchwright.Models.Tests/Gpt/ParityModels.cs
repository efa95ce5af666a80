using Torchwright.Models.Gpt;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Gpt;

/// <summary>A ByteGpt with trained-looking weights and a batch of ids and targets, shared by the parity tests.</summary>
internal static class ParityModels
{
    public static readonly ByteGptConfig Config = new(Context: 32, Dim: 64, Heads: 4, Layers: 2);

    public static (ByteGpt Model, Tensor Ids, Tensor Targets) Create(long seed)
    {
        manual_seed(seed);
        var model = new ByteGpt(Config);
        var generator = new Generator(unchecked((ulong)seed));
        // Trained-looking weights: at initialisation attention is nearly uniform and would hide mistakes.
        using (no_grad())
        {
            foreach (var parameter in model.parameters())
            {
                using var noise = randn(parameter.shape, generator: generator);
                parameter.add_(noise.mul_(0.15));
            }
        }
        var ids = randint(0, 256, new long[] { 3, 24 }, dtype: ScalarType.Int64, generator: generator);
        var targets = randint(0, 256, new long[] { 3, 24 }, dtype: ScalarType.Int64, generator: generator);
        return (model, ids, targets);
    }
}
