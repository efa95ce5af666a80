using System;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// T5's relative position bias: one learned scalar per head and distance bucket, added to attention
/// scores. Distances below half the buckets get a bucket each; larger ones share logarithmically wider
/// buckets up to <c>maxDistance</c>. Computed from position ids, so that after tokens are removed the
/// original positions keep their original distances. Parameter: <c>weight [buckets, heads]</c>.
/// </summary>
public sealed class RelativePositionBias : nn.Module, IForwardPathAware
{
    /// <summary>Creates the table, initialised N(0, 0.02).</summary>
    /// <param name="heads">Attention heads.</param>
    /// <param name="buckets">Distance buckets.</param>
    /// <param name="maxDistance">Distance from which all share the last bucket.</param>
    /// <param name="bidirectional">Separate buckets for keys before and after the query.</param>
    public RelativePositionBias(long heads, long buckets = 32, long maxDistance = 128, bool bidirectional = true) : base(nameof(RelativePositionBias))
    {
        BlockChecks.Positive(nameof(heads), heads);
        BlockChecks.Positive(nameof(buckets), buckets);
        BlockChecks.Positive(nameof(maxDistance), maxDistance);
        Buckets = buckets;
        MaxDistance = maxDistance;
        Bidirectional = bidirectional;
        var data = empty(buckets, heads);
        using (no_grad())
        {
            data.normal_(0, 0.02);
        }
        weight = new Parameter(data);
        register_parameter(nameof(weight), weight);
    }

    /// <summary>The bias per bucket and head.</summary>
    public Parameter weight { get; }

    /// <summary>Number of distance buckets.</summary>
    public long Buckets { get; }

    /// <summary>Distance from which all share the last bucket.</summary>
    public long MaxDistance { get; }

    /// <summary>Whether keys before and after a query get different buckets.</summary>
    public bool Bidirectional { get; }

    /// <inheritdoc/>
    public ForwardPath Path { get; set; }

    /// <summary>The bias <c>[B|1, heads, T, S]</c> for query positions <c>[B,T]</c> or <c>[T]</c> and key positions (default: the query positions).</summary>
    /// <param name="x">Query position ids.</param>
    /// <param name="keyPositions">Key position ids; null means the same as the queries.</param>
    public Tensor forward(Tensor x, Tensor? keyPositions = null)
    {
        using var scope = NewDisposeScope();
        var keys = keyPositions ?? x;
        var buckets = Bucket(keys.unsqueeze(-2) - x.unsqueeze(-1));
        var values = weight.index_select(0, buckets.reshape(-1)).view(ConcatShape(buckets.shape, weight.shape[1]));
        // [.., T, S, H] → [B|1, H, T, S]
        var bias = values.dim() == 3 ? values.permute(2, 0, 1).unsqueeze(0) : values.permute(0, 3, 1, 2);
        return bias.MoveToOuterDisposeScope();
    }

    /// <summary>The bucket of each relative distance (key position − query position).</summary>
    /// <param name="relative">Relative distances, any shape, int64.</param>
    public Tensor Bucket(Tensor relative)
    {
        using var scope = NewDisposeScope();
        var buckets = Buckets;
        Tensor result;
        Tensor distance;
        if (Bidirectional)
        {
            buckets /= 2;
            result = relative.gt(0).to(ScalarType.Int64) * buckets;
            distance = relative.abs();
        }
        else
        {
            result = zeros_like(relative);
            distance = (-relative).clamp_min(0);
        }
        var exact = buckets / 2;
        var small = distance.lt(exact);
        var logarithmic = (distance.to(ScalarType.Float32) / exact).log() / Math.Log((double)MaxDistance / exact) * (buckets - exact);
        var large = (logarithmic.to(ScalarType.Int64) + exact).clamp_max(buckets - 1);
        return (result + where(small, distance, large)).MoveToOuterDisposeScope();
    }

    private static long[] ConcatShape(long[] shape, long last)
    {
        var result = new long[shape.Length + 1];
        shape.CopyTo(result, 0);
        result[^1] = last;
        return result;
    }

    /// <summary>Empty on purpose: the parameter is registered explicitly.</summary>
    protected override void RegisterComponents()
    {
    }
}
