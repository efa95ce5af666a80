using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// Keeps a data-dependent sequence length capturable: one plan per length bucket, each captured once for a
/// <c>[B, bucket]</c> input; a replay pads its <c>[B, T]</c> input on the right into the smallest bucket that holds
/// T and replays that plan. Only valid for forwards whose first T output positions do not read later positions
/// (causal models): then <see cref="Replay"/>'s first T positions equal the eager forward at length T.
/// Every padding view is made when the buckets are, so a replay creates no tensor.
/// </summary>
/// <typeparam name="TPlan">The generated plan type.</typeparam>
public sealed class LengthBuckets<TPlan> : IDisposable where TPlan : CapturePlan
{
    private readonly Bucket[] buckets;
    private readonly Func<TPlan, Tensor, Tensor> replay;

    /// <summary>Captures one plan per length in <paramref name="lengths"/>.</summary>
    /// <param name="lengths">The bucket lengths; sorted and deduplicated here.</param>
    /// <param name="batch">The batch size every replay uses.</param>
    /// <param name="type">The input's element type.</param>
    /// <param name="device">The input's device.</param>
    /// <param name="padding">The value written after the real positions.</param>
    /// <param name="capture">Captures a plan from an example input, e.g. <c>model.Capture</c>.</param>
    /// <param name="replay">Replays a plan, e.g. <c>(plan, x) =&gt; plan.Replay(x)</c>.</param>
    public LengthBuckets(IEnumerable<long> lengths, long batch, ScalarType type, Device device, long padding,
        Func<Tensor, TPlan> capture, Func<TPlan, Tensor, Tensor> replay)
    {
        ArgumentNullException.ThrowIfNull(capture);
        this.replay = replay ?? throw new ArgumentNullException(nameof(replay));
        var sorted = lengths.Distinct().OrderBy(length => length).ToArray();
        if (sorted.Length == 0 || sorted[0] < 1)
        {
            throw new ArgumentException($"Bucket lengths must be positive and at least one, got [{string.Join(", ", sorted)}].", nameof(lengths));
        }
        Batch = batch;
        var built = new List<Bucket>();
        try
        {
            foreach (var length in sorted)
            {
                built.Add(new Bucket(length, batch, type, device, padding, capture));
            }
        }
        catch
        {
            built.ForEach(bucket => bucket.Dispose());
            throw;
        }
        buckets = built.ToArray();
    }

    /// <summary>The batch size every replay uses.</summary>
    public long Batch { get; }

    /// <summary>The bucket lengths, ascending.</summary>
    public IReadOnlyList<long> Lengths => buckets.Select(bucket => bucket.Length).ToArray();

    /// <summary>The plan of each bucket, ascending by length.</summary>
    public IReadOnlyList<TPlan> Plans => buckets.Select(bucket => bucket.Plan).ToArray();

    /// <summary>
    /// Pads <paramref name="input"/> (<c>[B, T]</c>) into the smallest bucket of at least T positions and replays its
    /// plan. Returns that plan's output (owned by the plan; positions from T on are padding) and the bucket length.
    /// </summary>
    /// <param name="input">The input, <c>[B, T]</c>, of the type and device the buckets were made for.</param>
    public (Tensor Output, long BucketLength) Replay(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dimensions != 2 || input.size(0) != Batch)
        {
            throw new ArgumentException($"Bucketed replay expects input [{Batch}, T], but got [{string.Join(", ", input.shape)}].", nameof(input));
        }
        var length = input.size(1);
        foreach (var bucket in buckets)
        {
            if (length <= bucket.Length)
            {
                return (bucket.Replay(input, length, replay), bucket.Length);
            }
        }
        throw new ArgumentException(
            $"Input length {length} exceeds the largest bucket {buckets[^1].Length}; buckets are [{string.Join(", ", Lengths)}].", nameof(input));
    }

    /// <summary>Disposes every plan and padding buffer.</summary>
    public void Dispose()
    {
        foreach (var bucket in buckets)
        {
            bucket.Dispose();
        }
    }

    private sealed class Bucket : IDisposable
    {
        private readonly Tensor padded;
        private readonly Tensor[] prefixes;
        private readonly Tensor[] tails;
        private readonly TorchSharp.Scalar padding;

        public Bucket(long length, long batch, ScalarType type, Device device, long padding, Func<Tensor, TPlan> capture)
        {
            Length = length;
            this.padding = padding;
            // Owned by the bucket, not by a dispose scope the caller may have open.
            padded = full(new[] { batch, length }, padding, type, device).DetachFromDisposeScope();
            prefixes = new Tensor[length + 1];
            tails = new Tensor[length + 1];
            for (var t = 1; t <= length; t++)
            {
                prefixes[t] = padded.narrow(1, 0, t).DetachFromDisposeScope();
                tails[t] = padded.narrow(1, t, length - t).DetachFromDisposeScope();
            }
            Plan = capture(padded);
        }

        public long Length { get; }

        public TPlan Plan { get; }

        public Tensor Replay(Tensor input, long length, Func<TPlan, Tensor, Tensor> replay)
        {
            if (input.dtype != padded.dtype || input.device_type != padded.device_type || input.device_index != padded.device_index)
            {
                throw new ArgumentException($"Bucketed replay expects {padded.dtype} on {padded.device}, but got {input.dtype} on {input.device}.", nameof(input));
            }
            prefixes[length].copy_(input);
            tails[length].fill_(padding);
            return replay(Plan, padded);
        }

        public void Dispose()
        {
            Plan.Dispose();
            foreach (var view in prefixes.Concat(tails))
            {
                view?.Dispose();
            }
            padded.Dispose();
            padding.Dispose();
        }
    }
}
