using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>Zeroes each value with probability p while training and rescales the rest; the identity in evaluation.</summary>
public sealed class Dropout : Block
{
    /// <summary>Creates the layer.</summary>
    /// <param name="probability">Probability of zeroing each value, in [0, 1).</param>
    public Dropout(double probability) : base(nameof(Dropout))
    {
        if (probability is < 0 or >= 1)
        {
            throw new System.ArgumentOutOfRangeException(nameof(probability), probability, "Dropout probability must be in [0, 1).");
        }
        Probability = probability;
    }

    /// <summary>Probability of zeroing each value.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input) => nn.functional.dropout(input, Probability, training);

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        if (!training || Probability == 0)
        {
            return input.alias();
        }
        using var keep = rand_like(input).ge(Probability);
        return input * keep / (1 - Probability);
    }
}
