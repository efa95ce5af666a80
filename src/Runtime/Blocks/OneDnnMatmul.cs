using System;
using System.Collections.Concurrent;
using Torchwright.Runtime.Capture;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// fp32 products <c>output = β·output + α·(left @ right)</c>, plain (<c>[m, k] × [k, p]</c>) or batched
/// (<c>[n, m, k] × [n, k, p]</c>), that record no gradients, through oneDNN's matmul: libtorch's
/// <c>at::native::mkldnn_matmul</c>, called at its C++ entry point (libtorch sends only bf16 and fp16 products there;
/// its fp32 <c>bmm</c> and <c>addmm</c> run MKL, whose generic kernel reached about 125 GFLOP/s on attention's
/// products on this project's machines). Eager attention's causal query blocks use <see cref="Multiply"/>; capture
/// plans write their linear layers' and attention's products into their buffers with <see cref="Into"/>. Each
/// configuration (sizes, operand layouts, β and α, threads) is checked once against libtorch's own product on seeded
/// random data before it is trusted, as <see cref="OneDnnVerdicts"/> does for linear layers.
/// </summary>
internal static unsafe class OneDnnMatmul
{
    private const string Symbol = "_ZN2at6native13mkldnn_matmulERKNS_6TensorES3_S3_ff"; // (mat1, mat2, result, beta, alpha)

    // Below this many multiply-adds a call's fixed cost (primitive lookup, descriptors) is not worth it.
    private const long MinimumMultiplyAdds = 1L << 20;

    private const ulong CheckSeed = 4093;
    private const double Tolerance = 1e-4; // relative to the largest |value|: right answers differ by about 1e-6

    private static readonly Lazy<IntPtr> Entry = new(() => LibTorchLibrary.ExportOrZero(Symbol));
    private static readonly ConcurrentDictionary<Configuration, bool> Verdicts = new();

    /// <summary>Whether this libtorch exports oneDNN's matmul (Linux x64).</summary>
    public static bool Available => Entry.Value != IntPtr.Zero;

    /// <summary>Whether a product of this many multiply-adds is worth oneDNN's fixed cost per call.</summary>
    public static bool IsLargeEnough(long multiplyAdds) => multiplyAdds >= MinimumMultiplyAdds;

    /// <summary><c>left @ right</c> for batches of matrices: through oneDNN where it applies and was checked, otherwise
    /// <c>matmul</c>.</summary>
    public static Tensor Multiply(Tensor left, Tensor right)
    {
        if (left.dim() != 3 || !Applies(left, right) || !Trusted(left, right, beta: 0, alpha: 1))
        {
            return left.matmul(right);
        }
        var result = empty(new[] { left.shape[0], left.shape[1], right.shape[2] }, ScalarType.Float32, left.device);
        Call(result, left, right, 0, 1);
        return result;
    }

    /// <summary>
    /// Whether <see cref="Into"/> may write this product into <paramref name="output"/>: fp32 CPU buffers of matching
    /// sizes, each operand contiguous or with its last two dimensions transposed (oneDNN reads those as they lie; any
    /// other would be copied on every call), a contiguous output, no gradients, and a configuration oneDNN computed right
    /// when checked.
    /// </summary>
    public static bool TrustedInto(Tensor output, Tensor left, Tensor right, float beta, float alpha) =>
        output.dtype == ScalarType.Float32 && output.is_contiguous()
        && output.dim() == left.dim() && output.shape[^2] == left.shape[^2] && output.shape[^1] == right.shape[^1]
        && (left.dim() == 2 || output.shape[0] == left.shape[0])
        && Takes(left, right) && Trusted(left, right, beta, alpha);

    /// <summary>
    /// Whether oneDNN's matmul takes these operands as they lie (fp32 CPU matrices, contiguous or transposed, no
    /// gradients, large enough): what <see cref="Into"/> needs of them short of a verdict, for a caller that checks the
    /// result itself (<see cref="OneDnnTransposedProduct"/>, through <see cref="OneDnnVerdicts"/>).
    /// </summary>
    public static bool Takes(Tensor left, Tensor right) => Applies(left, right) && AsItLies(left) && AsItLies(right);

    /// <summary><c>output = beta·output + alpha·(left @ right)</c>; <see cref="TrustedInto"/> must have held for these
    /// buffers (a libtorch error thrown through this call would end the process).</summary>
    public static void Into(Tensor output, Tensor left, Tensor right, float beta, float alpha) => Call(output, left, right, beta, alpha);

    private static bool Applies(Tensor left, Tensor right) =>
        Available && left.dim() == right.dim() && left.dim() is 2 or 3
        && left.dtype == ScalarType.Float32 && right.dtype == ScalarType.Float32
        && left.device_type == TorchSharp.DeviceType.CPU && right.device_type == TorchSharp.DeviceType.CPU
        && (left.dim() == 2 || left.shape[0] == right.shape[0]) && left.shape[^1] == right.shape[^2]
        && !(is_grad_enabled() && (left.requires_grad || right.requires_grad))
        && IsLargeEnough(Batch(left) * left.shape[^2] * left.shape[^1] * right.shape[^1]);

    private static long Batch(Tensor t) => t.dim() == 3 ? t.shape[0] : 1;

    private static bool Trusted(Tensor left, Tensor right, float beta, float alpha)
    {
        var configuration = new Configuration(left.dim() == 3 ? left.shape[0] : 0, left.shape[^2], left.shape[^1], right.shape[^1],
            Transposed(left), Transposed(right), beta, alpha, get_num_threads());
        return Verdicts.GetOrAdd(configuration, Check);
    }

    private static void Call(Tensor output, Tensor left, Tensor right, float beta, float alpha)
    {
        var matmul = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, float, float, void>)Entry.Value;
        matmul(left.Handle, right.Handle, output.Handle, beta, alpha);
        GC.KeepAlive(output);
        GC.KeepAlive(left);
        GC.KeepAlive(right);
    }

    // oneDNN takes an operand as it lies when it is contiguous or its last two dimensions are transposed; libtorch copies
    // any other into a contiguous one first. The layout picks oneDNN's kernel, so it is part of a configuration.
    private static bool Transposed(Tensor t)
    {
        if (t.is_contiguous())
        {
            return false;
        }
        long rows = t.shape[^2], columns = t.shape[^1];
        return t.stride(-2) == 1 && t.stride(-1) == rows && (t.dim() == 2 || t.stride(0) == rows * columns);
    }

    private static bool AsItLies(Tensor t) => t.is_contiguous() || Transposed(t);

    private readonly record struct Configuration(long Batch, long Rows, long Inner, long Columns, bool LeftTransposed, bool RightTransposed, float Beta, float Alpha, int Threads);

    private static bool Check(Configuration c)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(CheckSeed); // its own stream: the global one is the user's
        var left = Operand(c.Batch, c.Rows, c.Inner, c.LeftTransposed, generator);
        var right = Operand(c.Batch, c.Inner, c.Columns, c.RightTransposed, generator);
        var start = Operand(c.Batch, c.Rows, c.Columns, transposed: false, generator);
        var expected = start * c.Beta + left.matmul(right) * c.Alpha;
        var actual = start.clone();
        Call(actual, left, right, c.Beta, c.Alpha);
        return OneDnnVerdicts.Close(expected, actual, Tolerance);
    }

    private static Tensor Operand(long batch, long rows, long columns, bool transposed, Generator generator)
    {
        var shape = transposed ? new[] { batch, columns, rows } : new[] { batch, rows, columns };
        var values = randn(batch == 0 ? shape[1..] : shape, generator: generator);
        return transposed ? values.transpose(-2, -1) : values;
    }
}
