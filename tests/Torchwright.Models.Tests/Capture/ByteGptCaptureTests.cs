using System;
using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Capture;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// The generated capture plan of <see cref="ByteGpt"/>: replays equal the eager forward, reuse the same buffers
/// without creating tensors, follow new inputs and weight updates, and refuse inputs of another shape, dtype or device.
/// Weights and inputs come from private generators; tensors are counted per thread.
/// </summary>
public class ByteGptCaptureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(1, 32)]
    [InlineData(3, 24)]
    [InlineData(2, 1)]
    public void Replay_equals_the_eager_forward(long batch, long length)
    {
        using var model = CaptureModels.Create(11);
        using var ids = CaptureModels.Bytes(12, batch, length);
        using var _ = no_grad();
        using var eager = model.forward(ids);
        using var plan = model.Capture(ids);

        var replayed = plan.Replay(ids);

        TensorAssert.Close(eager, replayed, Tolerance, $"replay vs eager at B={batch}, T={length}");
        using var spread = eager.std();
        Assert.True(spread.item<float>() > 0.1f, "logits are degenerate; the comparison would prove nothing");
        using var difference = (eager - replayed).abs().max();
        output.WriteLine($"B={batch} T={length}: largest |replay - eager| = {difference.item<float>():G3}, {plan.Graph.Buffers.Count} buffers, {plan.Graph.StepCount} steps");
    }

    [Fact]
    public void Hundred_replays_keep_every_address_and_create_no_tensor()
    {
        using var model = CaptureModels.Create(21);
        using var ids = CaptureModels.Bytes(22, 2, 32);
        using var _ = no_grad();
        using var plan = model.Capture(ids);
        plan.Replay(ids); // first call outside the count: JIT and lazy native initialisation
        var addresses = plan.DataAddresses();
        var outputAddress = plan.Output.Handle;

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var tensorsBefore = TensorCensus.CreatedOnThisThread;
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            plan.Replay(ids);
        }
        var bytesAllocated = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        var tensorsCreated = TensorCensus.CreatedOnThisThread - tensorsBefore;

        // The census is not blind: one eager forward creates many tensors.
        var eagerBefore = TensorCensus.CreatedOnThisThread;
        model.forward(ids).Dispose();
        var eagerCreated = TensorCensus.CreatedOnThisThread - eagerBefore;

        output.WriteLine($"{addresses.Length} buffers and views; over 100 replays: {tensorsCreated} tensors created, {bytesAllocated} managed bytes allocated, {watch.Elapsed.TotalMilliseconds / 100:F3} ms per replay; one eager forward creates {eagerCreated} tensors");
        Assert.Equal(0, tensorsCreated);
        Assert.True(eagerCreated > 10, $"the census saw only {eagerCreated} tensors in an eager forward");
        Assert.Equal(addresses, plan.DataAddresses());
        Assert.Equal(outputAddress, plan.Output.Handle);
        Assert.True(addresses.All(a => a != 0), "a buffer has no storage");
    }

    [Fact]
    public void Plan_follows_new_inputs_and_in_place_weight_updates()
    {
        using var model = CaptureModels.Create(31);
        using var first = CaptureModels.Bytes(32, 2, 16);
        using var second = CaptureModels.Bytes(33, 2, 16);
        using var _ = no_grad();
        using var plan = model.Capture(first);

        foreach (var (ids, what) in new[] { (second, "second input"), (first, "first input again") })
        {
            using var eager = model.forward(ids);
            TensorAssert.Close(eager, plan.Replay(ids), Tolerance, what);
        }

        // The plan reads the weights by reference, as a CUDA graph would: an in-place update is seen by the next replay.
        var head = model.named_parameters().First(p => p.name == "blocks.0.mlp.fc1.weight").parameter;
        head.mul_(1.5);
        using var updated = model.forward(second);
        TensorAssert.Close(updated, plan.Replay(second), Tolerance, "after a weight update");
    }

    [Fact]
    public void Replay_refuses_another_shape_dtype_or_device_before_writing()
    {
        using var model = CaptureModels.Create(41);
        using var ids = CaptureModels.Bytes(42, 2, 16);
        using var _ = no_grad();
        using var plan = model.Capture(ids);
        using var before = plan.Replay(ids).clone();
        var inputBuffer = plan.Graph.Buffers[0];
        using var inputBefore = inputBuffer.clone();

        using var longer = CaptureModels.Bytes(43, 2, 20);
        using var wider = CaptureModels.Bytes(44, 3, 16);
        using var narrowType = CaptureModels.Bytes(45, 2, 16, ScalarType.Int32);
        using var flat = CaptureModels.Bytes(46, 32, 1).view(32);
        using var meta = empty(new long[] { 2, 16 }, ScalarType.Int64, device: new Device("meta"));
        foreach (var (bad, expected) in new[]
                 {
                     (longer, "[2, 20] Int64 on cpu"), (wider, "[3, 16] Int64 on cpu"), (narrowType, "[2, 16] Int32 on cpu"),
                     (flat, "[32] Int64 on cpu"), (meta, "[2, 16] Int64 on meta"),
                 })
        {
            var error = Assert.Throws<ArgumentException>(() => plan.Replay(bad));
            output.WriteLine(error.Message);
            Assert.Equal("bytes", error.ParamName);
            Assert.Contains($"input 'bytes' is {expected}", error.Message);
            Assert.Contains("captured for [2, 16] Int64 on cpu", error.Message);
        }

        Assert.True(before.allclose(plan.Output, rtol: 0, atol: 0), "a refused replay changed the output buffer");
        Assert.True(inputBefore.allclose(inputBuffer, rtol: 0, atol: 0), "a refused replay changed the input buffer");
    }

    [Fact]
    public void Capture_checks_its_example_like_the_forward()
    {
        using var model = CaptureModels.Create(51);
        using var _ = no_grad();
        using var floats = rand(2, 16);
        var shapeError = Assert.ThrowsAny<ArgumentException>(() => model.Capture(floats));
        output.WriteLine(shapeError.Message);
        Assert.Contains("ByteGpt.Capture", shapeError.Message);
    }

    [Fact]
    public void A_byte_out_of_range_is_a_managed_error_and_the_plan_still_replays()
    {
        using var model = CaptureModels.Create(63);
        using var ids = CaptureModels.Bytes(64, 2, 8);
        using var _ = no_grad();
        using var eager = model.forward(ids);
        using var plan = model.Capture(ids);
        using var bad = ids.clone();
        bad[1, 3] = 256; // one past the table
        using var negative = ids.clone();
        negative[0, 0] = -1;

        var error = Assert.ThrowsAny<Exception>(() => plan.Replay(bad));
        output.WriteLine(error.Message);
        Assert.Contains("out of bounds", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.ThrowsAny<Exception>(() => plan.Replay(negative));

        TensorAssert.Close(eager, plan.Replay(ids), Tolerance, "replay after refused ids");
    }

    [Fact]
    public void Dispose_releases_every_buffer()
    {
        using var model = CaptureModels.Create(61);
        using var ids = CaptureModels.Bytes(62, 1, 8);
        using var _ = no_grad();
        var plan = model.Capture(ids);
        var buffers = plan.Graph.Buffers.ToList();
        Assert.NotEmpty(buffers);

        plan.Dispose();

        Assert.Empty(plan.Graph.Buffers);
        Assert.All(buffers, b => Assert.True(b.IsInvalid, "a buffer outlived its plan"));
        Assert.Throws<ObjectDisposedException>(() => plan.Graph.Run());
    }
}
