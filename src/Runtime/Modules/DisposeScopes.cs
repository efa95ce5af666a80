using System.Runtime.CompilerServices;
using TorchSharp;

namespace Torchwright.Runtime;

/// <summary>Helpers for results that leave a dispose scope.</summary>
public static class DisposeScopes
{
    /// <summary>Moves every tensor of a tuple result to the enclosing dispose scope.</summary>
    /// <param name="tuple">A value tuple whose elements are tensors.</param>
    public static void MoveToOuter(ITuple tuple)
    {
        for (var i = 0; i < tuple.Length; i++)
        {
            if (tuple[i] is torch.Tensor tensor)
            {
                tensor.MoveToOuterDisposeScope();
            }
        }
    }
}
