using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Runtime.Caching;

/// <summary>
/// One <see cref="KeyValueCache"/> per layer of a transformer stack: what a cached decoding step of the stack
/// reads and extends. All layers always hold the same number of positions.
/// </summary>
public sealed class TransformerCache : IDisposable
{
    private readonly KeyValueCache[] layers;

    /// <summary>Creates empty caches for <paramref name="layerCount"/> layers.</summary>
    /// <param name="layerCount">Number of layers of the stack, at least 1.</param>
    public TransformerCache(int layerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layerCount, 1);
        layers = Enumerable.Range(0, layerCount).Select(_ => new KeyValueCache()).ToArray();
    }

    /// <summary>Number of layers.</summary>
    public int LayerCount => layers.Length;

    /// <summary>The caches, by layer.</summary>
    public IReadOnlyList<KeyValueCache> Layers => layers;

    /// <summary>The cache of layer <paramref name="index"/>.</summary>
    /// <param name="index">Layer index.</param>
    public KeyValueCache this[int index] => layers[index];

    /// <summary>Number of positions stored (the same in every layer).</summary>
    public long Length => layers[0].Length;

    /// <summary>Forgets every position from <paramref name="length"/> on, in every layer.</summary>
    /// <param name="length">How many positions to keep.</param>
    public void Truncate(long length)
    {
        foreach (var layer in layers)
        {
            layer.Truncate(length);
        }
    }

    /// <summary>Releases every layer's storage.</summary>
    public void Dispose()
    {
        foreach (var layer in layers)
        {
            layer.Dispose();
        }
    }
}
