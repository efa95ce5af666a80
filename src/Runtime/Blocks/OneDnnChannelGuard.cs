using System;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// oneDNN 3.7.1 (libtorch 2.7.1, TorchSharp 0.107) divides by zero while choosing the blocking of a 1×1 convolution
/// whose input and output channels are one of five pairs (a workaround it keeps for one network), on every CPU without
/// AMX: the process dies of SIGFPE. The backward-data pass runs the same code with the pair swapped. Products that
/// would meet a pair are split along their outputs until no part does.
/// </summary>
internal static class OneDnnChannelGuard
{
    private static readonly (long In, long Out)[] Faulting =
    {
        (1024, 2048), (1024, 512), (256, 1024), (512, 1024), (512, 2048),
    };

    /// <summary>The widest part of <paramref name="outFeatures"/> (itself, or a halving of it) that no pass meets a
    /// faulting pair with.</summary>
    public static long SafeOutputWidth(long inFeatures, long outFeatures, bool recordsGradients)
    {
        var width = outFeatures;
        while (Faults(inFeatures, width) || (recordsGradients && Faults(width, inFeatures)))
        {
            // Every faulting width is a power of two, so halving divides the outputs evenly and ends within ten steps.
            width /= 2;
        }
        return width;
    }

    private static bool Faults(long inChannels, long outChannels) =>
        Array.IndexOf(Faulting, (inChannels, outChannels)) >= 0;
}
