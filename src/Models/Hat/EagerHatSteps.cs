using System;
using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>HAT's cached stacks run eagerly: the model's step forwards over growing key/value caches.</summary>
internal sealed class EagerHatSteps(HatModel model) : IHatSteps, IDisposable
{
    private readonly HatCaches caches = model.NewCaches();

    // The eager caches grow as needed.
    public bool HasRoom(long bytes, long words, out string full)
    {
        full = "";
        return true;
    }

    public long DecoderLength => caches.Decoder.Length;

    public void TruncateDecoder(long length) => caches.Decoder.Truncate(length);

    public Tensor Encode(Tensor bytes, long start)
        => model.encode_step(bytes, arange(start, start + bytes.shape[1]), caches.Encoder);

    public Tensor Backbone(Tensor words, long start)
        => model.backbone_step(words, arange(start, start + words.shape[1]), caches.Backbone);

    public Tensor Decode(Tensor states, Tensor injection, long start)
        => model.decode_step(states, injection, arange(start, start + states.shape[1]), caches.Decoder);

    public void Dispose() => caches.Dispose();
}
