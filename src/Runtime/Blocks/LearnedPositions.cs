using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>Adds a learned vector per position: <c>[B, T, dim] → [B, T, dim]</c>, T at most <c>maxLength</c>.
/// Parameter: <c>weight [maxLength, dim]</c>.</summary>
public sealed class LearnedPositions : Block
{
    /// <summary>Creates the table, drawn from N(0, std²).</summary>
    /// <param name="maxLength">The longest sequence the table covers.</param>
    /// <param name="dim">Width of a position vector.</param>
    /// <param name="std">Standard deviation of the initialisation, positive. Default 0.01.</param>
    public LearnedPositions(long maxLength, long dim, double std = 0.01) : base(nameof(LearnedPositions))
    {
        BlockChecks.Positive(nameof(maxLength), maxLength);
        BlockChecks.Positive(nameof(dim), dim);
        if (!(std > 0) || double.IsInfinity(std))
            throw new System.ArgumentOutOfRangeException(nameof(std), std, "The position table's initial standard deviation must be positive and finite.");
        MaxLength = maxLength;
        weight = AddParameter(nameof(weight), Shape(maxLength, dim), w => w.normal_(0, std));
    }

    /// <summary>The position table.</summary>
    public Parameter weight { get; }

    /// <summary>The longest sequence the table covers.</summary>
    public long MaxLength { get; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        using var rows = weight.narrow(0, 0, Length(input));
        return input + rows; // broadcast over the batch: no index tensor, no copy of the table
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        using var positions = arange(Length(input), device: input.device);
        using var rows = weight.index_select(0, positions);
        using var batched = rows.unsqueeze(0);
        return input + batched;
    }

    private long Length(Tensor input)
    {
        var length = input.shape[^2];
        if (length > MaxLength)
        {
            throw new System.ArgumentException(
                $"LearnedPositions covers {MaxLength} positions, but the input has {length} (shape [{string.Join(",", input.shape)}]).", nameof(input));
        }
        return length;
    }
}
