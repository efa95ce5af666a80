using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Capture;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// A capture plan records a linear layer's product through oneDNN where the eager layer runs it there (written into
/// the plan's buffers by libtorch's <c>mkldnn_convolution.out</c>): replays equal the eager forward, create no tensor,
/// and differ in rounding from a plan recorded with BLAS forced, so oneDNN ran; under another thread count than at
/// recording the plan multiplies on BLAS; a session replays such plans.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class OneDnnPlanTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Plans_record_onednn_products_and_replay_them_without_creating_tensors()
    {
        var threads = get_num_threads();
        set_num_threads(2); // libtorch takes oneDNN for these products only with more than one thread
        try
        {
            using var model = CaptureModels.Create(81);
            using var ids = CaptureModels.Bytes(82, 64, 32); // 2,048 rows: the MLP's 64 → 256 product is 33.5M multiply-adds
            using var _ = no_grad();
            using var eager = model.forward(ids);

            using var plan = model.Capture(ids);
            using var first = plan.Replay(ids).clone();
            var tensorsBefore = TensorCensus.CreatedOnThisThread;
            plan.Replay(ids);
            var created = TensorCensus.CreatedOnThisThread - tensorsBefore;
            TensorAssert.Close(eager, first, Tolerance, "replay with oneDNN products vs eager");
            Assert.Equal(0, created);

            var blasKernel = LinearKernelChoice.Use(LinearKernel.Blas);
            var blasPlan = model.Capture(ids);
            blasKernel.Dispose();
            using (blasPlan)
            {
                using var blas = blasPlan.Replay(ids).clone();
                TensorAssert.Close(eager, blas, Tolerance, "replay with BLAS products vs eager");
                using var difference = (first - blas).abs().max();
                output.WriteLine($"largest |oneDNN plan − BLAS plan| = {difference.item<float>():G3}");
                Assert.True(difference.item<float>() > 0, "the plan's products gave BLAS's bits exactly; oneDNN did not run");

                // oneDNN's kernel was checked for two threads; under another count the plan multiplies on BLAS.
                set_num_threads(1);
                using var oneThread = plan.Replay(ids).clone();
                using var blasOneThread = blasPlan.Replay(ids).clone();
                Assert.True(oneThread.eq(blasOneThread).all().item<bool>(), "under one thread the plan did not fall back to BLAS");
                set_num_threads(2);
            }

            using (model.InferenceSession())
            {
                for (var call = 0; call < 3; call++)
                {
                    using var result = model.forward(ids);
                    TensorAssert.Close(eager, result, Tolerance, $"session call {call + 1} vs eager");
                }
                Assert.Equal(1, model.InferencePlans.PlanCount);
            }
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}
