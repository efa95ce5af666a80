using System;
using System.Runtime.InteropServices;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// A libtorch scalar made once for a recorded step that passes it to <see cref="LibTorchOperators"/> on every replay
/// (TorchSharp's own <c>Scalar</c> does not show its handle). Owned and disposed by the <see cref="CaptureGraph"/>.
/// </summary>
internal sealed class NativeScalar : IDisposable
{
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTorch_float64_to_scalar(double value);

    [DllImport("LibTorchSharp")]
    private static extern void THSTorch_dispose_scalar(IntPtr handle);

    public NativeScalar(double value)
    {
        Handle = THSTorch_float64_to_scalar(value);
    }

    /// <summary>The <c>c10::Scalar*</c>.</summary>
    public IntPtr Handle { get; private set; }

    public void Dispose()
    {
        if (Handle != IntPtr.Zero)
        {
            THSTorch_dispose_scalar(Handle);
            Handle = IntPtr.Zero;
        }
    }
}
