using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints.Mapping;

/// <summary>
/// Saves and loads a module's state dict as safetensors under the names of a <see cref="CheckpointKeyMap"/>,
/// splitting fused tensors into their parts on save and joining them on load. Loading follows
/// <see cref="Checkpoint.Load"/>: the header is checked against the whole module first, every problem is reported
/// at once, and nothing changes unless everything fits.
/// </summary>
public static class MappedCheckpoint
{
    /// <summary>Writes <c>module.state_dict()</c> to <paramref name="path"/> atomically under the map's names.</summary>
    /// <param name="module">The module to save.</param>
    /// <param name="path">The checkpoint file to create or replace.</param>
    /// <param name="map">Where each module tensor is stored.</param>
    /// <param name="metadata">Optional string metadata stored in the file.</param>
    /// <exception cref="ArgumentException">Two tensors map to one file key, or a split does not fit a tensor's shape.</exception>
    public static void Save(torch.nn.Module module, string path, CheckpointKeyMap map, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(map);
        using var scope = torch.NewDisposeScope(); // views only: the module's tensors are not owned by the scope
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var named = new List<(string, torch.Tensor)>();
        foreach (var (moduleKey, tensor) in module.state_dict())
        {
            var mapped = map.Resolve(moduleKey);
            var storedShape = MappedLayout.Stored(mapped, tensor.shape); // refuses a transposed tensor that is not 2-D
            var stored = mapped.Transpose ? tensor.t() : tensor.alias();
            var sizes = MappedLayout.PartSizes(mapped, storedShape);
            var parts = mapped.IsSplit ? stored.split(sizes, mapped.Dim) : new[] { stored };
            for (var i = 0; i < parts.Length; i++)
            {
                var fileKey = mapped.FileKeys[i];
                if (!owners.TryAdd(fileKey, moduleKey))
                {
                    throw new ArgumentException($"The key map stores both '{owners[fileKey]}' and '{moduleKey}' under the file key '{fileKey}'.", nameof(map));
                }
                named.Add((fileKey, parts[i]));
            }
        }
        SafeTensors.Save(path, named, metadata);
    }

    /// <summary>
    /// Loads a checkpoint written under the map's names into <paramref name="module"/>, joining split tensors.
    /// File keys the map ignores are skipped silently.
    /// </summary>
    /// <param name="module">The module whose parameters and buffers receive the values.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="map">Where each module tensor is stored.</param>
    /// <param name="strict">When true (the default) missing and unexpected keys are refused; when false they are skipped and
    /// reported in the result. Shape and dtype mismatches are refused either way. A split tensor loads only if all its parts are present.</param>
    /// <returns>The module keys and file keys that were skipped.</returns>
    /// <exception cref="CheckpointFormatException">The file is not valid safetensors.</exception>
    /// <exception cref="CheckpointMismatchException">The file does not fit the module.</exception>
    public static CheckpointLoadResult Load(torch.nn.Module module, string path, CheckpointKeyMap map, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(map);

        using var stream = SafeTensors.OpenRead(path);
        var header = SafeTensorsHeaderReader.Read(stream, path);
        var missing = new List<(string ModuleKey, string FileKey)>();
        var shapes = new List<CheckpointShapeMismatch>();
        var dtypes = new List<CheckpointDTypeMismatch>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var plans = new List<(torch.Tensor Target, MappedTensor Mapped, SafeTensorsEntry[] Parts)>();

        foreach (var (moduleKey, target) in module.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var mapped = map.Resolve(moduleKey);
            var stored = MappedLayout.Stored(mapped, target.shape);
            var sizes = MappedLayout.PartSizes(mapped, stored);
            var parts = new List<SafeTensorsEntry>();
            var fits = true;
            for (var i = 0; i < mapped.FileKeys.Count; i++)
            {
                var fileKey = mapped.FileKeys[i];
                if (!header.TryGetEntry(fileKey, out var entry))
                {
                    missing.Add((moduleKey, fileKey));
                    fits = false;
                    continue;
                }
                used.Add(fileKey);
                var expected = MappedLayout.PartShape(mapped, stored, sizes, i);
                if (!expected.SequenceEqual(entry.Shape))
                {
                    shapes.Add(new CheckpointShapeMismatch(moduleKey, fileKey, expected, entry.Shape));
                    fits = false;
                }
                // No silent casts: a dtype change is a different checkpoint, not a detail.
                if (!SafeTensorsDTypes.TryFromScalarType(target.dtype, out var moduleDType) || moduleDType != entry.DType)
                {
                    dtypes.Add(new CheckpointDTypeMismatch(moduleKey, fileKey, target.dtype, entry.DType));
                    fits = false;
                }
                parts.Add(entry);
            }
            if (fits)
            {
                plans.Add((target, mapped, parts.ToArray()));
            }
        }
        var unexpected = header.Entries.Select(e => e.Name)
            .Where(name => !used.Contains(name) && !map.IsIgnored(name))
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToList();

        var keysRefused = strict && (missing.Count > 0 || unexpected.Count > 0);
        if (keysRefused || shapes.Count > 0 || dtypes.Count > 0)
        {
            throw new CheckpointMismatchException(path, strict ? missing : [], strict ? unexpected : [], shapes, dtypes);
        }

        // Read everything before touching the module, so a read failure also leaves it unchanged.
        var loaded = SafeTensorsDataReader.Read(stream, header, plans.SelectMany(p => p.Parts).DistinctBy(e => e.Name));
        try
        {
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad())
            {
                foreach (var (target, mapped, parts) in plans)
                {
                    var joined = parts.Length == 1 ? loaded[parts[0].Name] : torch.cat(parts.Select(p => loaded[p.Name]).ToArray(), mapped.Dim);
                    target.copy_(mapped.Transpose ? joined.t() : joined);
                }
            }
        }
        finally
        {
            foreach (var tensor in loaded.Values)
            {
                tensor.Dispose();
            }
        }
        var skipped = missing.Select(m => m.ModuleKey).Distinct(StringComparer.Ordinal).ToArray();
        return new CheckpointLoadResult(skipped, unexpected);
    }
}
