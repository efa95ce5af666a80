using System;
using Torchwright.Runtime.Caching;

namespace Torchwright.Models.Hat;

/// <summary>The key/value caches of one HAT sequence: byte level (encoder, decoder) and word level (backbone).</summary>
public sealed class HatCaches : IDisposable
{
    /// <summary>Creates empty caches.</summary>
    /// <param name="encoderLayers">Layers of the encoder.</param>
    /// <param name="backboneLayers">Layers of the backbone.</param>
    /// <param name="decoderLayers">Layers of the decoder.</param>
    public HatCaches(int encoderLayers, int backboneLayers, int decoderLayers)
    {
        Encoder = new TransformerCache(encoderLayers);
        Backbone = new TransformerCache(backboneLayers);
        Decoder = new TransformerCache(decoderLayers);
    }

    /// <summary>The byte encoder's cache: one position per byte.</summary>
    public TransformerCache Encoder { get; }

    /// <summary>The word backbone's cache: one position per completed word.</summary>
    public TransformerCache Backbone { get; }

    /// <summary>The byte decoder's cache: one position per byte.</summary>
    public TransformerCache Decoder { get; }

    /// <summary>Releases all three.</summary>
    public void Dispose()
    {
        Encoder.Dispose();
        Backbone.Dispose();
        Decoder.Dispose();
    }
}
