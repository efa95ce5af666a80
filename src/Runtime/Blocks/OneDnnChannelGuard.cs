using System;
using System.Collections.Generic;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// oneDNN 3.7.1 (libtorch 2.7.1, TorchSharp 0.107) divides by zero while choosing the blocking of a 1×1 convolution
/// whose input and output channels are one of five pairs (a workaround it keeps for one network), on every CPU without
/// AMX: the process dies of SIGFPE. The backward-data pass runs the same code with the pair swapped. Products that
/// would meet a pair are split along their outputs until no part does; the parts' outputs are joined by one copy.
/// </summary>
internal static class OneDnnChannelGuard
{
    private static readonly (long In, long Out)[] Faulting =
    {
        (1024, 2048), (1024, 512), (256, 1024), (512, 1024), (512, 2048),
    };

    /// <summary>
    /// Output widths, summing to <paramref name="outFeatures"/>, that no pass meets a faulting pair with: the product
    /// whole where it is safe, otherwise three quarters and a quarter (every faulting width is a power of two, and a
    /// three-quarter part is a multiple of 48, a width oneDNN blocks without padding), each split again if it faults.
    /// </summary>
    public static IReadOnlyList<long> SafeOutputWidths(long inFeatures, long outFeatures, bool recordsGradients)
    {
        var widths = new List<long>();
        AddSafeParts(widths, inFeatures, outFeatures, recordsGradients);
        return widths;
    }

    private static void AddSafeParts(List<long> widths, long inFeatures, long width, bool recordsGradients)
    {
        if (!Faults(inFeatures, width) && !(recordsGradients && Faults(width, inFeatures)))
        {
            widths.Add(width);
            return;
        }
        var quarter = width / 4;
        AddSafeParts(widths, inFeatures, 3 * quarter, recordsGradients);
        AddSafeParts(widths, inFeatures, quarter, recordsGradients);
    }

    private static bool Faults(long inChannels, long outChannels) =>
        Array.IndexOf(Faulting, (inChannels, outChannels)) >= 0;
}
