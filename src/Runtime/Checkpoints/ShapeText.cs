using System.Collections.Generic;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>Formats shapes the same way in every message, e.g. <c>[2, 3]</c>.</summary>
internal static class ShapeText
{
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
