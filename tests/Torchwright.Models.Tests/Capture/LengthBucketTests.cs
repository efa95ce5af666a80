using System;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Capture;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>A causal model with a varying length stays capturable through length buckets: each length replays the
/// smallest bucket that holds it, equals the eager forward on its real positions, and creates no tensor.</summary>
public class LengthBucketTests(ITestOutputHelper output)
{
    [Fact]
    public void Each_length_replays_the_smallest_bucket_and_matches_eager_on_its_positions()
    {
        using var model = CaptureModels.Create(71);
        using var _ = no_grad();
        using var buckets = new LengthBuckets<ByteGpt.ForwardPlan>(new long[] { 32, 8, 16 }, batch: 2, ScalarType.Int64, CPU, padding: 0,
            model.Capture, (plan, x) => plan.Replay(x));

        foreach (var (length, expectedBucket) in new[] { (5L, 8L), (8L, 8L), (9L, 16L), (17L, 32L), (32L, 32L), (3L, 8L) })
        {
            using var ids = CaptureModels.Bytes(72 + (ulong)length, 2, length);
            using var eager = model.forward(ids);
            var (logits, bucket) = buckets.Replay(ids);
            using var real = logits.narrow(1, 0, length);
            Assert.Equal(expectedBucket, bucket);
            TensorAssert.Close(eager, real, 1e-5, $"length {length} in bucket {bucket}");
            output.WriteLine($"T={length}: bucket {bucket}");
        }
    }

    [Fact]
    public void Bucketed_replays_create_no_tensor_and_refuse_what_no_bucket_holds()
    {
        using var model = CaptureModels.Create(81);
        using var _ = no_grad();
        using var buckets = new LengthBuckets<ByteGpt.ForwardPlan>(new long[] { 8, 16 }, batch: 1, ScalarType.Int64, CPU, padding: 0,
            model.Capture, (plan, x) => plan.Replay(x));
        using var short_ = CaptureModels.Bytes(82, 1, 6);
        using var long_ = CaptureModels.Bytes(83, 1, 13);
        buckets.Replay(short_);
        buckets.Replay(long_);

        var before = TensorCensus.CreatedOnThisThread;
        for (var i = 0; i < 50; i++)
        {
            buckets.Replay(i % 2 == 0 ? short_ : long_);
        }
        Assert.Equal(0, TensorCensus.CreatedOnThisThread - before);

        using var tooLong = CaptureModels.Bytes(84, 1, 17);
        var error = Assert.Throws<ArgumentException>(() => buckets.Replay(tooLong));
        output.WriteLine(error.Message);
        Assert.Contains("length 17 exceeds the largest bucket 16", error.Message);
        using var wrongBatch = CaptureModels.Bytes(85, 2, 8);
        Assert.Contains("[1, T]", Assert.Throws<ArgumentException>(() => buckets.Replay(wrongBatch)).Message);
    }
}
