using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>A lookup table: <c>[..] ids → [.., dim]</c>. Parameter: <c>weight [count, dim]</c>.</summary>
public sealed class Embedding : Block
{
    /// <summary>Creates a table of <paramref name="count"/> rows of width <paramref name="dim"/>, initialised N(0, 0.02).</summary>
    /// <param name="count">Number of rows.</param>
    /// <param name="dim">Width of a row.</param>
    public Embedding(long count, long dim) : base(nameof(Embedding))
    {
        BlockChecks.Positive(nameof(count), count);
        BlockChecks.Positive(nameof(dim), dim);
        Count = count;
        Dim = dim;
        weight = AddParameter(nameof(weight), Shape(count, dim), w => w.normal_(0, InitStd));
    }

    /// <summary>The table.</summary>
    public Parameter weight { get; }

    /// <summary>Number of rows.</summary>
    public long Count { get; }

    /// <summary>Width of a row.</summary>
    public long Dim { get; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        using var flat = input.reshape(-1);
        using var rows = weight.index_select(0, flat);
        return rows.view(ShapeWith(input.shape, Dim));
    }

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        // One-hot rows times the table: the textbook definition, independent of index_select.
        using var oneHot = nn.functional.one_hot(input, Count).to(weight.dtype);
        return oneHot.matmul(weight);
    }

    internal static long[] ShapeWith(long[] shape, long last)
    {
        var result = new long[shape.Length + 1];
        shape.CopyTo(result, 0);
        result[shape.Length] = last;
        return result;
    }
}
