using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Data;

/// <summary>A batch drawn by <see cref="TopicSequences.Sample"/>; disposing it releases both tensors.</summary>
/// <param name="Tokens">Token ids, <c>[B, L]</c> int64.</param>
/// <param name="Topics">The topic of each token, <c>[B, L]</c> int64.</param>
public sealed record TopicBatch(Tensor Tokens, Tensor Topics) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Tokens.Dispose();
        Topics.Dispose();
    }
}
