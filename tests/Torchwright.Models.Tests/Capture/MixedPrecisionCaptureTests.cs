using System;
using System.Linq;
using Torchwright.Models.Gpt;
using Torchwright.Runtime.Capture;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// Capture plans of a <see cref="ByteGpt"/> under bf16 mixed precision: they compute in bf16 where the eager mixed
/// forward does (products, attention, activations) and hand out fp32 logits; they are as close to the fp32 model as
/// the eager mixed forward is; an inference session replays them, keeps fp32 and bf16 plans apart, and records them
/// again after a training step, whose weights their bf16 copies would otherwise miss.
/// </summary>
public class MixedPrecisionCaptureTests(ITestOutputHelper output)
{
    // bf16 keeps 8 bits of mantissa: two forwards that round in a different order differ by a few of its steps.
    private const double RelativeTolerance = 2e-2;

    [Theory]
    [InlineData(1, 32)]
    [InlineData(3, 24)]
    [InlineData(2, 1)]
    public void A_mixed_plan_computes_in_bf16_as_close_to_fp32_as_the_eager_mixed_forward(long batch, long length)
    {
        using var model = CaptureModels.Create(81);
        using var ids = CaptureModels.Bytes(82, batch, length);
        using var _ = no_grad();
        using var full = model.forward(ids);
        model.Precision = Precision.BFloat16Mixed;
        using var eager = model.forward(ids);
        using var plan = model.Capture(ids);

        var replayed = plan.Replay(ids);

        Assert.Equal(ScalarType.Float32, replayed.dtype);
        Assert.Contains(plan.Graph.Buffers, buffer => buffer.dtype == ScalarType.BFloat16);
        var scale = full.abs().max().item<float>();
        var planError = (replayed - full).abs().max().item<float>() / scale;
        var eagerError = (eager - full).abs().max().item<float>() / scale;
        var apart = (replayed - eager).abs().max().item<float>() / scale;
        output.WriteLine($"B={batch} T={length}: relative error against fp32: plan {planError:G3}, eager mixed {eagerError:G3}; plan against eager mixed {apart:G3}");
        Assert.True(eagerError > 1e-4, "the mixed forward matches fp32 exactly: nothing ran in bf16");
        Assert.True(apart <= RelativeTolerance, $"the plan is {apart:G3} (relative) away from the eager mixed forward");
        Assert.True(planError <= 2 * eagerError + 1e-3, $"the plan's error against fp32 ({planError:G3}) is far above the eager mixed forward's ({eagerError:G3})");
    }

    [Fact]
    public void A_session_replays_mixed_plans_and_keeps_one_plan_per_precision()
    {
        using var model = CaptureModels.Create(83);
        using var ids = CaptureModels.Bytes(84, 2, 16);
        using var _ = no_grad();
        using var full = model.forward(ids);
        model.Precision = Precision.BFloat16Mixed;
        using var mixed = model.forward(ids);

        using (model.InferenceSession())
        {
            using (model.forward(ids))
            {
            }
            using (model.forward(ids))
            {
            }
            Assert.Equal(1, model.InferencePlans.PlanCount);
            var tensorsBefore = TensorCensus.CreatedOnThisThread;
            using var replayed = model.forward(ids);
            Assert.Equal(1, TensorCensus.CreatedOnThisThread - tensorsBefore); // the fp32 copy handed back

            model.Precision = Precision.Float32;
            using (model.forward(ids))
            {
            }
            using var fullReplayed = model.forward(ids);

            Assert.Equal(2, model.InferencePlans.PlanCount);
            TensorAssert.Close(full, fullReplayed, 1e-5, "fp32 replay after a bf16 plan of the same shape");
            var scale = full.abs().max().item<float>();
            TensorAssert.Close(mixed, replayed, RelativeTolerance * scale, "bf16 replay vs eager mixed");
            Assert.True((replayed - full).abs().max().item<float>() > 1e-4 * scale, "the bf16 replay equals fp32: it did not run in bf16");
        }
    }

    [Fact]
    public void A_training_step_inside_the_session_drops_the_mixed_plans_and_later_calls_see_the_new_weights()
    {
        using var model = CaptureModels.Create(85);
        using var ids = CaptureModels.Bytes(86, 2, 16);
        model.Precision = Precision.BFloat16Mixed;
        using var session = model.InferenceSession();
        Tensor before;
        using (no_grad())
        {
            model.forward(ids).Dispose();
            before = model.forward(ids);
        }
        Assert.Equal(1, model.InferencePlans.PlanCount);

        model.train();
        using (var logits = model.forward(ids))
        {
            using var loss = logits.square().mean();
            loss.backward();
        }
        using (no_grad())
        {
            foreach (var parameter in model.parameters())
            {
                parameter.mul_(0.8); // the optimiser's update, in place
            }
        }
        model.eval();
        Assert.Equal(0, model.InferencePlans.PlanCount);

        using var _ = no_grad();
        using var eager = model.forward(ids); // the shape's first call since the step: eager
        using var replayed = model.forward(ids); // records a plan on the new weights
        Assert.Equal(1, model.InferencePlans.PlanCount);
        var scale = eager.abs().max().item<float>();
        TensorAssert.Close(eager, replayed, RelativeTolerance * scale, "replay after the training step vs the eager mixed forward");
        using (before)
        {
            Assert.True((eager - before).abs().max().item<float>() > 10 * RelativeTolerance * scale, "the step hardly changed the logits; the test would not see a stale plan");
        }
    }
}
