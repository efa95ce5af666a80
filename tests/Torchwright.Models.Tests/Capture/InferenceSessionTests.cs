using System;
using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Capture;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// <see cref="ByteGpt"/>'s inference session: inside it, no-grad eval calls of <c>forward</c> replay a plan per input
/// shape from the shape's second call on and equal the eager forward; results belong to the caller; every other call
/// runs eagerly; plans are bounded and freed with the session.
/// </summary>
public class InferenceSessionTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Session_calls_equal_the_eager_forward_and_create_only_their_result()
    {
        using var model = CaptureModels.Create(71);
        using var ids = CaptureModels.Bytes(72, 2, 24);
        using var _ = no_grad();
        using var eager = model.forward(ids);

        using (model.InferenceSession())
        {
            using var first = model.forward(ids); // eager; the shape is remembered
            Assert.Equal(0, model.InferencePlans.PlanCount);
            using var second = model.forward(ids); // records the plan and replays it
            var tensorsBefore = TensorCensus.CreatedOnThisThread;
            using var third = model.forward(ids);
            var created = TensorCensus.CreatedOnThisThread - tensorsBefore;

            TensorAssert.Close(eager, first, Tolerance, "first session call vs eager");
            TensorAssert.Close(eager, second, Tolerance, "recording session call vs eager");
            TensorAssert.Close(eager, third, Tolerance, "replayed session call vs eager");
            Assert.Equal(1, model.InferencePlans.PlanCount);
            output.WriteLine($"tensors created by a replayed call: {created}");
            Assert.Equal(1, created); // the copy handed back, nothing else
        }
        Assert.Equal(0, model.InferencePlans.PlanCount);
    }

    [Fact]
    public void Results_stay_the_callers_when_the_next_call_replays_the_same_plan()
    {
        using var model = CaptureModels.Create(73);
        using var a = CaptureModels.Bytes(74, 1, 16);
        using var b = CaptureModels.Bytes(75, 1, 16);
        using var _ = no_grad();
        using var eagerA = model.forward(a);
        using var eagerB = model.forward(b);
        using var session = model.InferenceSession();
        using (model.forward(a))
        {
        }

        using var resultA = model.forward(a); // replayed
        using var resultB = model.forward(b); // replayed into the same buffers

        TensorAssert.Close(eagerA, resultA, Tolerance, "the first result after a second call");
        TensorAssert.Close(eagerB, resultB, Tolerance, "the second result");
    }

    [Fact]
    public void Each_shape_gets_a_plan_and_the_least_recently_used_is_freed_beyond_the_limit()
    {
        using var model = CaptureModels.Create(76);
        using var _ = no_grad();
        using var session = model.InferenceSession();
        model.InferencePlans.MaxPlans = 2;

        foreach (var length in new long[] { 8, 12, 8, 16 })
        {
            using var ids = CaptureModels.Bytes(77, 1, length);
            using var reference = EagerForward(model, ids);
            for (var call = 0; call < 2; call++)
            {
                using var result = model.forward(ids);
                TensorAssert.Close(reference, result, Tolerance, $"session call {call} at T={length}");
            }
        }

        // 8 was used after 12, so 12 went when 16 came.
        Assert.Equal(2, model.InferencePlans.PlanCount);
    }

    [Fact]
    public void Calls_with_gradients_or_in_training_mode_run_eagerly()
    {
        using var model = CaptureModels.Create(78);
        using var ids = CaptureModels.Bytes(79, 1, 16);
        using var session = model.InferenceSession();

        using (var withGradients = model.forward(ids))
        {
            Assert.True(withGradients.requires_grad, "a call with gradients on must build the autograd graph");
        }
        using (no_grad())
        {
            model.train();
            using (model.forward(ids))
            {
            }
            using (model.forward(ids))
            {
            }
            model.eval();
        }

        Assert.Equal(0, model.InferencePlans.PlanCount + model.InferencePlans.EagerShapeCount);
    }

    [Fact]
    public void A_shape_whose_plan_exceeds_the_budget_runs_eagerly_and_is_not_recorded_again()
    {
        using var model = CaptureModels.Create(80);
        using var ids = CaptureModels.Bytes(81, 1, 16);
        using var _ = no_grad();
        using var eager = model.forward(ids);
        using var session = model.InferenceSession();
        model.InferencePlans.MaxPlanBytes = 1024;

        using var first = model.forward(ids);
        var beforeSecond = TensorCensus.CreatedOnThisThread;
        using var second = model.forward(ids); // starts recording, stops at the first buffer past the budget
        var beforeThird = TensorCensus.CreatedOnThisThread;
        using var third = model.forward(ids);
        var createdByThird = TensorCensus.CreatedOnThisThread - beforeThird;
        var createdBySecond = beforeThird - beforeSecond;

        output.WriteLine($"tensors created: {createdBySecond} by the refused recording and its eager call, {createdByThird} by an eager call");
        Assert.True(createdBySecond - createdByThird < 10, "the recording went on past its first buffer over the budget");
        TensorAssert.Close(eager, second, Tolerance, "over-budget shape, eager");
        TensorAssert.Close(eager, third, Tolerance, "over-budget shape, eager again");
        Assert.Equal(0, model.InferencePlans.PlanCount);
        Assert.Equal(1, model.InferencePlans.EagerShapeCount);
    }

    [Fact]
    public void Weight_updates_in_place_are_seen_and_bad_inputs_are_refused_as_eagerly()
    {
        using var model = CaptureModels.Create(82);
        using var ids = CaptureModels.Bytes(83, 1, 16);
        using var _ = no_grad();
        using var session = model.InferenceSession();
        for (var call = 0; call < 2; call++)
        {
            using (model.forward(ids))
            {
            }
        }
        Assert.Equal(1, model.InferencePlans.PlanCount);

        foreach (var parameter in model.parameters())
        {
            parameter.mul_(0.5);
        }
        using var updated = model.forward(ids);
        using var reference = EagerForward(model, ids);
        TensorAssert.Close(reference, updated, Tolerance, "after an in-place weight update");

        using var wrongRank = CaptureModels.Bytes(84, 16, 1).view(16);
        var error = Assert.ThrowsAny<ArgumentException>(() => model.forward(wrongRank));
        output.WriteLine(error.Message);
        Assert.Contains("bytes", error.Message);
    }

    [Fact]
    public void A_plan_recorded_inside_the_callers_dispose_scope_outlives_it()
    {
        using var model = CaptureModels.Create(85);
        using var ids = CaptureModels.Bytes(86, 1, 16);
        using var _ = no_grad();
        using var eager = model.forward(ids);
        using var session = model.InferenceSession();

        using (NewDisposeScope())
        {
            model.forward(ids);
            model.forward(ids); // records the plan; the scope frees both results
        }
        Assert.Equal(1, model.InferencePlans.PlanCount);
        using var replayed = model.forward(ids);

        TensorAssert.Close(eager, replayed, Tolerance, "replay after the recording scope ended");
    }

    [Fact]
    public void Concurrent_calls_on_other_threads_each_get_their_own_result()
    {
        using var model = CaptureModels.Create(91);
        using var _ = no_grad();
        var inputs = new[] { CaptureModels.Bytes(92, 2, 16), CaptureModels.Bytes(93, 2, 16) };
        var expected = Array.ConvertAll(inputs, ids => model.forward(ids));
        using var session = model.InferenceSession();
        for (var call = 0; call < 2; call++)
        {
            using (model.forward(inputs[0]))
            {
            }
        }

        var worst = new float[4];
        System.Threading.Tasks.Parallel.For(0, 4, worker =>
        {
            using var noGrad = no_grad(); // grad mode is per thread
            for (var call = 0; call < 10; call++)
            {
                var which = (worker + call) % 2;
                using var result = model.forward(inputs[which]);
                using var difference = (result - expected[which]).abs().max();
                worst[worker] = Math.Max(worst[worker], difference.item<float>());
            }
        });

        output.WriteLine($"largest difference over 4 threads × 10 calls: {worst.Max():G3}");
        Assert.All(worst, w => Assert.True(w < Tolerance, $"a concurrent call got {w:G3} away from its own eager result"));
        Assert.Equal(1, model.InferencePlans.PlanCount);
        foreach (var tensor in expected.Concat(inputs))
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void A_new_shape_on_every_call_records_no_plan()
    {
        using var model = CaptureModels.Create(89);
        using var _ = no_grad();
        using var session = model.InferenceSession();

        for (var length = 1; length <= 12; length++)
        {
            using var ids = CaptureModels.Bytes(90, 1, length);
            using (model.forward(ids))
            {
            }
        }

        Assert.Equal(0, model.InferencePlans.PlanCount);
    }

    [Fact]
    public void A_stacks_layers_share_their_scratch_buffers()
    {
        using var two = CaptureModels.Create(87);
        using var four = new ByteGpt(CaptureModels.Config with { Layers = 4 });
        four.eval();
        using var ids = CaptureModels.Bytes(88, 2, 32);
        using var _ = no_grad();
        using var planTwo = two.Capture(ids);
        using var planFour = four.Capture(ids);

        output.WriteLine($"plan bytes: 2 layers {planTwo.Graph.BufferBytes():N0}, 4 layers {planFour.Graph.BufferBytes():N0}");
        Assert.Equal(planTwo.Graph.BufferBytes(), planFour.Graph.BufferBytes());
        using var eager = four.forward(ids);
        TensorAssert.Close(eager, planFour.Replay(ids), Tolerance, "four layers over shared scratch");
    }

    // The eager forward with no session in the way: a fresh model's session is closed.
    private static Tensor EagerForward(ByteGpt model, Tensor ids)
    {
        using var copy = new ByteGpt(model.Config);
        copy.load_state_dict(model.state_dict());
        copy.eval();
        return copy.forward(ids);
    }
}
