using System;
using System.Linq;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Capture;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Capture;

/// <summary>
/// A captured cached step of a Llama-style stack (RMSNorm, rotary positions, SwiGLU, causal sliding window): stepping
/// position by position equals the stack on the whole sequence, truncation and re-stepping too; steps keep every
/// address and create no tensor; a full cache and a wrong input are refused by name.
/// </summary>
public class CachedStepPlanTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, 5L)]
    public void Steps_equal_the_whole_sequence_and_survive_truncation(long batch, long? window)
    {
        using var stack = Stack(7, window);
        using var _ = no_grad();
        using var x = Inputs(8, batch, 12);
        using var eager = stack.forward(x);
        using var plan = new CachedStepPlan(stack, batch, capacity: 16, CPU, "test stack step");

        for (var t = 0; t < 12; t++)
        {
            using var step = x.narrow(1, t, 1);
            var stepped = plan.Step(step);
            using var expected = eager.narrow(1, t, 1);
            TensorAssert.Close(expected, stepped, Tolerance, $"position {t}");
        }
        // Back to 7 positions, then positions 7.. again with other inputs: as if those were the sequence.
        plan.Truncate(7);
        using var other = Inputs(9, batch, 5);
        using var spliced = cat(new[] { x.narrow(1, 0, 7), other }, 1);
        using var splicedEager = stack.forward(spliced);
        for (var t = 7; t < 12; t++)
        {
            using var step = spliced.narrow(1, t, 1);
            var stepped = plan.Step(step);
            using var expected = splicedEager.narrow(1, t, 1);
            TensorAssert.Close(expected, stepped, Tolerance, $"position {t} after truncation");
        }
        output.WriteLine($"B={batch} window={window?.ToString() ?? "none"}: {plan.Graph.StepCount} steps, {plan.Graph.Buffers.Count} buffers");
    }

    [Fact]
    public void Hundred_steps_keep_every_address_and_create_no_tensor()
    {
        using var stack = Stack(17, window: 8);
        using var _ = no_grad();
        using var plan = new CachedStepPlan(stack, 1, capacity: 100, CPU, "test stack step");
        using var x = Inputs(18, 1, 1);
        plan.Step(x);
        plan.Truncate(0);
        var addresses = plan.DataAddresses();
        var output0 = plan.Output.Handle;

        var before = TensorCensus.CreatedOnThisThread;
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            plan.Step(x);
        }
        var created = TensorCensus.CreatedOnThisThread - before;
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        output.WriteLine($"100 steps: {created} tensors, {bytes} managed bytes");
        Assert.Equal(0, created);
        Assert.Equal(addresses, plan.DataAddresses());
        Assert.Equal(output0, plan.Output.Handle);

        var full = Assert.Throws<InvalidOperationException>(() => plan.Step(x));
        Assert.Contains("holds 100 positions", full.Message);
        using var wide = Inputs(19, 2, 1);
        var wrong = Assert.Throws<ArgumentException>(() => plan.Step(wide));
        output.WriteLine(wrong.Message);
        Assert.Contains("input 'x' is [2, 1, 32]", wrong.Message);
    }

    [Fact]
    public void Capture_refuses_what_a_step_cannot_reproduce()
    {
        using var grouped = new TransformerStack(1, Options(window: null) with { KvHeads = 2 });
        grouped.eval();
        Assert.Throws<NotSupportedException>(() => new CachedStepPlan(grouped, 1, 8, CPU, "grouped"));
        using var bidirectional = new TransformerStack(1, Options(window: null) with { Causal = false });
        bidirectional.eval();
        Assert.Throws<NotSupportedException>(() => new CachedStepPlan(bidirectional, 1, 8, CPU, "bidirectional"));
        using var mixed = new TransformerStack(1, Options(window: null));
        mixed.eval();
        Precisions.Apply(mixed, Precision.BFloat16Mixed);
        var precisionError = Assert.Throws<NotSupportedException>(() => new CachedStepPlan(mixed, 1, 8, CPU, "mixed"));
        output.WriteLine(precisionError.Message);
        Assert.Contains("BFloat16Mixed", precisionError.Message);
    }

    private static TransformerOptions Options(long? window) => new()
    {
        Dim = 32, Heads = 4, Causal = true, Window = window, Rope = true, Norm = NormKind.RmsNorm,
        Activation = Activation.Silu, Gated = true, Bias = false, MlpHidden = 80,
    };

    private static TransformerStack Stack(long seed, long? window)
    {
        var stack = new TransformerStack(2, Options(window));
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var parameter in stack.parameters())
            {
                if (parameter.dim() > 1)
                {
                    parameter.normal_(0, 0.2, generator);
                }
            }
        }
        stack.eval();
        return stack;
    }

    private static Tensor Inputs(long seed, long batch, long length)
        => randn(new[] { batch, length, 32L }, generator: new TorchSharp.torch.Generator((ulong)seed));
}
