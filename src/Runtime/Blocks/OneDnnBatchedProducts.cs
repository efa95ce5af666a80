using System;
using System.Collections.Concurrent;
using Torchwright.Runtime.Capture;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// fp32 batched products <c>[n, m, k] × [n, k, p] → [n, m, p]</c> that record no gradients, through oneDNN's matmul:
/// libtorch's <c>at::native::mkldnn_matmul</c>, called at its C++ entry point (libtorch sends only bf16 and fp16
/// products there; its fp32 <c>bmm</c> runs MKL, whose generic kernel reached about 125 GFLOP/s on attention's
/// products on this project's machines). Attention's causal query blocks at the large benchmark size (B=16, H=8,
/// T=512, head width 64, one layer, fp32 inference) took 42 ms this way against 57 ms with <c>bmm</c> (paired rounds,
/// scratch). Each configuration (sizes, operand layouts, threads) is checked once against <c>bmm</c> on seeded random
/// data before it is trusted, as <see cref="OneDnnVerdicts"/> does for linear layers; anything else runs <c>matmul</c>.
/// </summary>
internal static unsafe class OneDnnBatchedProducts
{
    private const string Symbol = "_ZN2at6native13mkldnn_matmulERKNS_6TensorES3_S3_ff"; // (mat1, mat2, result, beta, alpha)

    // Below this many multiply-adds a call's fixed cost (primitive lookup, descriptors) is not worth it.
    private const long MinimumMultiplyAdds = 1L << 20;

    private const ulong CheckSeed = 4093;
    private const double Tolerance = 1e-4; // relative to the largest |value|: right answers differ by about 1e-6

    private static readonly Lazy<IntPtr> Entry = new(() => LibTorchLibrary.TryGetExport(Symbol, out var address) ? address : IntPtr.Zero);
    private static readonly ConcurrentDictionary<Configuration, bool> Verdicts = new();

    /// <summary>Whether this libtorch exports oneDNN's matmul (Linux x64).</summary>
    public static bool Available => Entry.Value != IntPtr.Zero;

    /// <summary><c>left @ right</c>: through oneDNN where it applies and was checked, otherwise <c>matmul</c>.</summary>
    public static Tensor Multiply(Tensor left, Tensor right)
    {
        if (!Applies(left, right))
        {
            return left.matmul(right);
        }
        var configuration = new Configuration(left.shape[0], left.shape[1], left.shape[2], right.shape[2],
            Transposed(left), Transposed(right), get_num_threads());
        return Verdicts.GetOrAdd(configuration, Check) ? Product(left, right) : left.matmul(right);
    }

    private static bool Applies(Tensor left, Tensor right) =>
        Available && left.dim() == 3 && right.dim() == 3
        && left.dtype == ScalarType.Float32 && right.dtype == ScalarType.Float32
        && left.device_type == TorchSharp.DeviceType.CPU && right.device_type == TorchSharp.DeviceType.CPU
        && left.shape[0] == right.shape[0] && left.shape[2] == right.shape[1]
        && !(is_grad_enabled() && (left.requires_grad || right.requires_grad))
        && left.shape[0] * left.shape[1] * left.shape[2] * right.shape[2] >= MinimumMultiplyAdds;

    // The caller has checked the operands (Applies): a libtorch error thrown through this call would end the process.
    private static Tensor Product(Tensor left, Tensor right)
    {
        var result = empty(new[] { left.shape[0], left.shape[1], right.shape[2] }, ScalarType.Float32, left.device);
        var matmul = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, float, float, void>)Entry.Value;
        matmul(left.Handle, right.Handle, result.Handle, 0f, 1f);
        GC.KeepAlive(left);
        GC.KeepAlive(right);
        return result;
    }

    // oneDNN takes an operand as it lies when it is contiguous or its last two dimensions are transposed; libtorch copies
    // any other into a contiguous one first. The layout picks oneDNN's kernel, so it is part of a configuration.
    private static bool Transposed(Tensor t) => !t.is_contiguous() && t.stride(1) == 1 && t.stride(2) == t.shape[1] && t.stride(0) == t.shape[1] * t.shape[2];

    private readonly record struct Configuration(long Batch, long Rows, long Inner, long Columns, bool LeftTransposed, bool RightTransposed, int Threads);

    private static bool Check(Configuration c)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(CheckSeed); // its own stream: the global one is the user's
        var left = Operand(c.Batch, c.Rows, c.Inner, c.LeftTransposed, generator);
        var right = Operand(c.Batch, c.Inner, c.Columns, c.RightTransposed, generator);
        var expected = left.bmm(right);
        var actual = Product(left, right);
        var scale = expected.abs().max().item<float>();
        return (expected - actual).abs().max().item<float>() <= Tolerance * Math.Max(scale, 1e-6f);
    }

    private static Tensor Operand(long batch, long rows, long columns, bool transposed, Generator generator) => transposed
        ? randn(new[] { batch, columns, rows }, generator: generator).transpose(1, 2)
        : randn(new[] { batch, rows, columns }, generator: generator);
}
