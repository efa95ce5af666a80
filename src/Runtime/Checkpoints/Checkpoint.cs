using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Saves and loads a module's state dict (parameters and buffers) as a safetensors checkpoint.
/// Loading validates the whole file against the module first and changes nothing unless everything fits.
/// </summary>
public static class Checkpoint
{
    /// <summary>Writes <c>module.state_dict()</c> to <paramref name="path"/> atomically.</summary>
    /// <param name="module">The module to save.</param>
    /// <param name="path">The checkpoint file to create or replace.</param>
    /// <param name="metadata">Optional string metadata stored in the file.</param>
    /// <param name="mapKey">
    /// Optional mapping from module key to file key, e.g. to write names another framework expects.
    /// It must not map two module keys to the same file key.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="mapKey"/> maps two keys to one, or returns null.</exception>
    public static void Save(
        torch.nn.Module module,
        string path,
        IReadOnlyDictionary<string, string>? metadata = null,
        Func<string, string>? mapKey = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var named = new List<(string, torch.Tensor)>();
        foreach (var (moduleKey, tensor) in module.state_dict())
        {
            string fileKey = MapKey(mapKey, moduleKey);
            if (!owners.TryAdd(fileKey, moduleKey))
            {
                throw new ArgumentException(
                    $"mapKey maps both '{owners[fileKey]}' and '{moduleKey}' to file key '{fileKey}'.", nameof(mapKey));
            }
            named.Add((fileKey, tensor));
        }
        SafeTensors.Save(path, named, metadata);
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="module"/>. The file is validated, then compared with
    /// <c>module.state_dict()</c>; if anything does not fit, a <see cref="CheckpointMismatchException"/>
    /// lists every problem and no parameter is changed. Otherwise each value is copied in place.
    /// </summary>
    /// <param name="module">The module whose parameters and buffers receive the values.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="strict">
    /// When true (the default) missing and unexpected keys are refused. When false they are skipped
    /// and reported in the result; shape and dtype mismatches are refused either way.
    /// </param>
    /// <param name="mapKey">
    /// Optional mapping from module key to file key, for checkpoints whose names differ from the module's.
    /// </param>
    /// <returns>The keys that were skipped (only possible when <paramref name="strict"/> is false).</returns>
    /// <exception cref="CheckpointFormatException">The file is not valid safetensors.</exception>
    /// <exception cref="CheckpointMismatchException">The file does not fit the module.</exception>
    public static CheckpointLoadResult Load(
        torch.nn.Module module,
        string path,
        bool strict = true,
        Func<string, string>? mapKey = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);

        // One open stream for header and data, so the file cannot change in between.
        using var stream = SafeTensors.OpenRead(path);
        var header = SafeTensorsHeaderReader.Read(stream, path);
        var match = CheckpointMatch.Create(module.state_dict(), header, mapKey);

        bool keysRefused = strict && (match.Missing.Count > 0 || match.Unexpected.Count > 0);
        if (keysRefused || match.ShapeMismatches.Count > 0 || match.DTypeMismatches.Count > 0)
        {
            throw new CheckpointMismatchException(
                path,
                strict ? match.Missing : [],
                strict ? match.Unexpected : [],
                match.ShapeMismatches,
                match.DTypeMismatches);
        }

        // Read everything before touching the module, so a read failure also leaves it unchanged.
        var entries = match.Pairs.Select(p => p.Entry).DistinctBy(e => e.Name);
        var loaded = SafeTensorsDataReader.Read(stream, header, entries);
        try
        {
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad())
            {
                foreach (var (target, entry) in match.Pairs)
                {
                    target.copy_(loaded[entry.Name]);
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
        return new CheckpointLoadResult(match.Missing.Select(m => m.ModuleKey).ToArray(), match.Unexpected.ToArray());
    }

    internal static string MapKey(Func<string, string>? mapKey, string moduleKey)
    {
        if (mapKey is null)
        {
            return moduleKey;
        }
        return mapKey(moduleKey)
            ?? throw new ArgumentException($"mapKey returned null for module key '{moduleKey}'.", nameof(mapKey));
    }
}
