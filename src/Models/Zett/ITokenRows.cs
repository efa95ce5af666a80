using System.Collections.Generic;
using static TorchSharp.torch;

namespace Torchwright.Models.Zett;

/// <summary>Where dynamic tokenization gets the embedding rows of a batch's tokens, looked up by their bytes.</summary>
public interface ITokenRows
{
    /// <summary><c>[Ê_in | Ê_out]</c> for each token, <c>[N, 2d]</c>, a tensor the caller owns.</summary>
    /// <param name="tokens">Token bytes.</param>
    Tensor Rows(IReadOnlyList<byte[]> tokens);
}
