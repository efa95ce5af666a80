using static TorchSharp.torch;

namespace Torchwright.Models.Hat;

/// <summary>
/// The three cached stacks a <see cref="HatSession"/> steps, each continuing from the positions it already holds:
/// run eagerly with key/value caches (<see cref="EagerHatSteps"/>) or through captured plans (<see cref="HatStepPlans"/>).
/// Every tensor returned belongs to the caller's dispose scope.
/// </summary>
internal interface IHatSteps
{
    /// <summary>Whether <paramref name="bytes"/> more byte positions and <paramref name="words"/> more word positions fit;
    /// if not, <paramref name="full"/> says which cache is short.</summary>
    bool HasRoom(long bytes, long words, out string full);

    /// <summary>Positions the decoder holds.</summary>
    long DecoderLength { get; }

    /// <summary>Forgets the decoder's positions from <paramref name="length"/> on.</summary>
    void TruncateDecoder(long length);

    /// <summary>Encoder states of new bytes <c>[1, n]</c> at positions start … start + n − 1: <c>[1, n, EncoderDim]</c>.</summary>
    Tensor Encode(Tensor bytes, long start);

    /// <summary>Backbone outputs of new pooled words <c>[1, w, BackboneDim]</c> at word positions start …: <c>[1, w, BackboneDim]</c>.</summary>
    Tensor Backbone(Tensor words, long start);

    /// <summary>Next-byte logits <c>[1, n, Vocab]</c> of new bytes at positions start …, from their encoder states and
    /// their words' injections (both <c>[1, n, EncoderDim]</c>).</summary>
    Tensor Decode(Tensor states, Tensor injection, long start);
}
