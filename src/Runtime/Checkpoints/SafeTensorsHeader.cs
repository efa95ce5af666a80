using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// The validated header of a safetensors file: its tensor entries and free-form metadata.
/// Obtained from <see cref="SafeTensors.ReadHeader(string)"/>; every entry is known to lie
/// inside the file, and the entries tile the data buffer exactly.
/// </summary>
public sealed class SafeTensorsHeader
{
    private readonly Dictionary<string, SafeTensorsEntry> _byName;

    internal SafeTensorsHeader(
        string path,
        long headerLength,
        long dataLength,
        IReadOnlyList<SafeTensorsEntry> entriesInFileOrder,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        HeaderLength = headerLength;
        DataLength = dataLength;
        Entries = entriesInFileOrder;
        Metadata = metadata;
        _byName = entriesInFileOrder.ToDictionary(e => e.Name, System.StringComparer.Ordinal);
    }

    /// <summary>The file the header was read from.</summary>
    public string Path { get; }

    /// <summary>Length in bytes of the JSON header (the 8-byte length prefix excluded).</summary>
    public long HeaderLength { get; }

    /// <summary>Offset in the file where the data buffer starts (8 + <see cref="HeaderLength"/>).</summary>
    public long DataStart => 8 + HeaderLength;

    /// <summary>Length in bytes of the data buffer.</summary>
    public long DataLength { get; }

    /// <summary>Tensor entries ordered by their position in the data buffer.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Looks up an entry by tensor name (ordinal comparison).</summary>
    /// <param name="name">The tensor's key in the header.</param>
    /// <param name="entry">The entry, when found.</param>
    /// <returns>Whether the file holds a tensor of that name.</returns>
    public bool TryGetEntry(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensorsEntry? entry)
        => _byName.TryGetValue(name, out entry);
}
