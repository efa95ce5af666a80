using Torchwright.Runtime.Blocks;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// Inside an inference session a shape whose linear layers multiply through oneDNN runs eagerly (faster than a plan's
/// BLAS products, and a plan cannot hold oneDNN's allocations); with BLAS forced the same shape replays a plan, and an
/// explicit <c>Capture</c> always records one.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class OneDnnSessionTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void A_shape_whose_linear_layers_multiply_through_onednn_runs_eagerly_in_a_session()
    {
        var threads = get_num_threads();
        set_num_threads(2); // libtorch takes oneDNN for these products only with more than one thread
        try
        {
            using var model = CaptureModels.Create(81);
            using var ids = CaptureModels.Bytes(82, 64, 32); // 2,048 rows: the MLP's 64 → 256 product is 33.5M multiply-adds
            using var _ = no_grad();
            using var eager = model.forward(ids);

            using (model.InferenceSession())
            {
                for (var call = 0; call < 3; call++)
                {
                    using var result = model.forward(ids);
                    TensorAssert.Close(eager, result, Tolerance, $"session call {call + 1} vs eager");
                }
                Assert.Equal(0, model.InferencePlans.PlanCount);
                Assert.Equal(1, model.InferencePlans.EagerShapeCount);
            }

            using (LinearKernelChoice.Use(LinearKernel.Blas))
            using (model.InferenceSession())
            {
                for (var call = 0; call < 3; call++)
                {
                    using var result = model.forward(ids);
                    TensorAssert.Close(eager, result, Tolerance, $"session call {call + 1} with BLAS forced vs eager");
                }
                Assert.Equal(1, model.InferencePlans.PlanCount);
            }

            using var plan = model.Capture(ids);
            TensorAssert.Close(eager, plan.Replay(ids), Tolerance, "explicit capture vs eager");
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}
