using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Compares a module's state dict with a file header, collecting every problem at once and the
/// (target, entry) pairs to copy when there are none. Only the header is consulted, so nothing
/// is read or changed while matching.
/// </summary>
internal sealed class CheckpointMatch
{
    public List<(torch.Tensor Target, SafeTensorsEntry Entry)> Pairs { get; } = new();
    public List<(string ModuleKey, string FileKey)> Missing { get; } = new();
    public List<string> Unexpected { get; } = new();
    public List<CheckpointShapeMismatch> ShapeMismatches { get; } = new();
    public List<CheckpointDTypeMismatch> DTypeMismatches { get; } = new();

    public static CheckpointMatch Create(
        IReadOnlyDictionary<string, torch.Tensor> state,
        SafeTensorsHeader header,
        Func<string, string>? mapKey)
    {
        var match = new CheckpointMatch();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (moduleKey, target) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string fileKey = Checkpoint.MapKey(mapKey, moduleKey);
            if (!header.TryGetEntry(fileKey, out var entry))
            {
                match.Missing.Add((moduleKey, fileKey));
                continue;
            }
            used.Add(fileKey);

            bool fits = true;
            if (!target.shape.SequenceEqual(entry.Shape))
            {
                match.ShapeMismatches.Add(new CheckpointShapeMismatch(moduleKey, fileKey, target.shape, entry.Shape));
                fits = false;
            }
            // No silent casts: a dtype change is a different checkpoint, not a detail.
            if (!SafeTensorsDTypes.TryFromScalarType(target.dtype, out var moduleDType) || moduleDType != entry.DType)
            {
                match.DTypeMismatches.Add(new CheckpointDTypeMismatch(moduleKey, fileKey, target.dtype, entry.DType));
                fits = false;
            }
            if (fits)
            {
                match.Pairs.Add((target, entry));
            }
        }
        match.Unexpected.AddRange(header.Entries.Select(e => e.Name).Where(n => !used.Contains(n)).OrderBy(n => n, StringComparer.Ordinal));
        return match;
    }
}
