using System.Collections.Generic;

namespace Torchwright.Runtime.Checkpoints.Mapping;

/// <summary>
/// Where one module tensor lives in a checkpoint file: under one key, or split along <see cref="Dim"/> into several
/// (e.g. a fused <c>qkv.weight</c> stored as <c>q.weight</c>, <c>k.weight</c>, <c>v.weight</c>).
/// </summary>
/// <param name="ModuleKey">The key in the module's state dict.</param>
/// <param name="FileKeys">The file keys of the parts, in order along <see cref="Dim"/>; one key when not split.</param>
/// <param name="Dim">The dimension (of the stored, possibly transposed, tensor) the parts are joined along.</param>
/// <param name="Sizes">The parts' sizes along <see cref="Dim"/>; null for equal parts.</param>
/// <param name="Transpose">Whether the file stores the transpose of the module's 2-D tensor.</param>
public sealed record MappedTensor(string ModuleKey, IReadOnlyList<string> FileKeys, int Dim, IReadOnlyList<long>? Sizes, bool Transpose)
{
    /// <summary>Whether the tensor is stored as more than one file tensor.</summary>
    public bool IsSplit => FileKeys.Count > 1;
}
