using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// Operations written into an existing buffer whose TorchSharp wrapper (<c>amax(dims, keepdim, out)</c>) returns the
/// result, an alias of the buffer, as a new managed tensor on every call. These call
/// the same exported entry points of TorchSharp's native library and release the alias handle at once, so a
/// replay creates no tensor.
/// </summary>
internal static class NativeInPlace
{
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_amax_out(IntPtr tensor, IntPtr dims, int length, [MarshalAs(UnmanagedType.U1)] bool keepdim, IntPtr output);

    [DllImport("LibTorchSharp")]
    private static extern void THSTensor_dispose(IntPtr handle);

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    /// <summary>The address of the first element of <paramref name="tensor"/> (storage offset included).</summary>
    public static long DataAddress(Tensor tensor) => (long)THSTensor_data(tensor.Handle);

    private static readonly long[] LastDimension = { -1 };

    // One native int64 holding -1, allocated for the life of the process: the dims argument without pinning.
    private static readonly IntPtr LastDimensionNative = CreateLastDimension();

    /// <summary>Writes the maximum over the last dimension of <paramref name="input"/> into <paramref name="output"/> (keepdim).</summary>
    public static void MaxOverLastInto(Tensor input, Tensor output)
    {
        var alias = THSTensor_amax_out(input.Handle, LastDimensionNative, 1, true, output.Handle);
        if (alias == IntPtr.Zero)
        {
            // The native layer reports errors through TorchSharp's last-error slot; let the managed call raise it.
            using var _ = input.amax(LastDimension, true, output);
            throw new InvalidOperationException("amax into a capture buffer failed.");
        }
        THSTensor_dispose(alias);
    }

    private static IntPtr CreateLastDimension()
    {
        var pointer = Marshal.AllocHGlobal(sizeof(long));
        Marshal.WriteInt64(pointer, -1);
        return pointer;
    }
}
