using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>A tensor whose shape in the checkpoint differs from the module's.</summary>
public sealed class CheckpointShapeMismatch
{
    internal CheckpointShapeMismatch(string moduleKey, string fileKey, IReadOnlyList<long> moduleShape, IReadOnlyList<long> fileShape)
    {
        ModuleKey = moduleKey;
        FileKey = fileKey;
        ModuleShape = moduleShape.ToArray();
        FileShape = fileShape.ToArray();
    }

    /// <summary>The key in the module's state dict.</summary>
    public string ModuleKey { get; }

    /// <summary>The key in the file (differs from <see cref="ModuleKey"/> when a key mapping is used).</summary>
    public string FileKey { get; }

    /// <summary>The shape the module expects.</summary>
    public IReadOnlyList<long> ModuleShape { get; }

    /// <summary>The shape stored in the file.</summary>
    public IReadOnlyList<long> FileShape { get; }

    /// <summary>A one-line description naming both shapes.</summary>
    public override string ToString()
        => $"shape mismatch for {CheckpointKeyText.Format(ModuleKey, FileKey)}: module {ShapeText.Format(ModuleShape)}, file {ShapeText.Format(FileShape)}";
}
