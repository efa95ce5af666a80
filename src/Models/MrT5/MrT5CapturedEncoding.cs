using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>
/// What a replay of <see cref="MrT5EncoderPlans"/> returns. The tensors are the plans' own buffers: overwritten by the
/// next replay and disposed with the plans, so copy what must outlive them.
/// </summary>
/// <param name="Memory">The encoder output in the bucket's layout, <c>[B, BucketLength, Dim]</c>: slot s of row b holds
/// the row's s-th kept token; slots from the row's kept count on are padding.</param>
/// <param name="Padding"><c>[B, BucketLength]</c> bool, true where a slot holds a kept token: the key mask for cross-attention.</param>
/// <param name="Gate">The gate values of every input token, <c>[B, T]</c>.</param>
/// <param name="KeptLength">T', the largest number of kept tokens of any row: the eager encoder's output length.</param>
/// <param name="BucketLength">The bucket that was replayed, the smallest of at least T'.</param>
public sealed record MrT5CapturedEncoding(Tensor Memory, Tensor Padding, Tensor Gate, long KeptLength, long BucketLength);
