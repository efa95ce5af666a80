using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// libtorch_cpu as TorchSharp loaded it, for the operators the runtime calls at their C++ entry points
/// (<see cref="LibTorchOperators"/>, <see cref="Training.FusedAdamWKernel"/>). Those calls follow the x86-64 System V
/// convention, so the library is only offered on Linux x64.
/// </summary>
internal static class LibTorchLibrary
{
    private static readonly Lazy<(IntPtr Handle, string? Unavailable)> Loaded = new(Load);

    /// <summary>Why the entry points cannot be used here, or null when they can.</summary>
    public static string? Unavailable => Loaded.Value.Unavailable;

    /// <summary>The address of <paramref name="symbol"/> (a mangled C++ name), or false when the library is unavailable
    /// or does not export it.</summary>
    public static bool TryGetExport(string symbol, out IntPtr address)
    {
        address = IntPtr.Zero;
        return Loaded.Value.Unavailable is null && NativeLibrary.TryGetExport(Loaded.Value.Handle, symbol, out address);
    }

    /// <summary>The address of <paramref name="symbol"/>, or <see cref="IntPtr.Zero"/> where <see cref="TryGetExport"/> finds
    /// none: for entry points resolved once and tested for zero before use.</summary>
    public static IntPtr ExportOrZero(string symbol) => TryGetExport(symbol, out var address) ? address : IntPtr.Zero;

    private static (IntPtr, string?) Load()
    {
        // TorchSharp has loaded libtorch once a tensor exists; loading it by name again returns that copy.
        using (zeros(1))
        {
        }
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return (IntPtr.Zero, $"libtorch's operators are called directly on Linux x64 only, not {RuntimeInformation.RuntimeIdentifier}.");
        }
        return NativeLibrary.TryLoad("libtorch_cpu.so", out var library)
            ? (library, null)
            : (IntPtr.Zero, "libtorch_cpu.so could not be loaded.");
    }
}
